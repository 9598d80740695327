from django.contrib import admin
from django.db import models

from masthead.catalog.models import Article, Contributor, Issue, Journal, Publisher, Reference
from masthead.citations.admin_actions import deposit_and_report, registration
from masthead.citations.deposit import due_articles
from masthead.related.admin import RELATED_INLINES
from masthead.related.store import mark_journal_due

URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin):
    search_fields = ("name",)
    formfield_overrides = URL_FIELDS


@admin.register(Journal)
class JournalAdmin(admin.ModelAdmin):
    list_display = ("title", "code", "issn_print", "issn_online", "publisher", "is_open_access")
    search_fields = ("title", "code", "issn_print", "issn_online")
    list_filter = ("is_open_access", "publisher", "altmetric_badge")
    prepopulated_fields = {"code": ("title",)}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "related_scope" in form.changed_data:
            mark_journal_due(obj.pk)  # its articles' lists are rebuilt in the new scope


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ("journal", "volume", "number", "year", "cover_date")
    list_filter = ("year",)
    search_fields = ("journal__title", "volume", "title")
    raw_id_fields = ("journal",)


class ContributorInline(admin.StackedInline):
    model = Contributor
    extra = 0
    fields = (
        ("position", "role"),
        ("given_names", "surname", "suffix"),
        "collab",
        ("orcid", "email"),
        ("is_corresponding", "equal_contrib"),
        "affiliations",
        "bio_html",
    )


class ReferenceInline(admin.TabularInline):
    model = Reference
    formfield_overrides = URL_FIELDS
    extra = 0
    fields = ("position", "label", "original_text", "doi", "pmid")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "doi",
        "journal",
        "issue",
        "section",
        "published_online",
        "is_open_access",
        "is_published",
    )
    list_filter = ("is_published", "is_open_access", "source_format", "journal")
    search_fields = ("title", "doi", "pmid")
    raw_id_fields = ("journal", "issue")
    date_hierarchy = "published_online"
    readonly_fields = (
        "source_format",
        "source_sha256",
        "version",
        "created_at",
        "updated_at",
        "crossref_registration",
    )
    inlines = [ContributorInline, ReferenceInline, *RELATED_INLINES]
    actions = ["register_dois"]
    formfield_overrides = URL_FIELDS
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "journal",
                    "issue",
                    "doi",
                    "section",
                    "article_type",
                    "title",
                    "title_html",
                    "subtitle",
                    "language",
                )
            },
        ),
        (
            "Pages and dates",
            {
                "fields": (
                    ("first_page", "last_page", "elocation_id"),
                    "position",
                    ("received", "accepted"),
                    ("published_online", "issue_date"),
                )
            },
        ),
        (
            "Access",
            {
                "fields": (
                    "is_published",
                    "is_open_access",
                    "is_free_to_read",
                    "license_url",
                    "license_html",
                    "copyright_statement",
                )
            },
        ),
        (
            "Front and back matter",
            {
                "fields": (
                    "abstracts",
                    "keywords",
                    "disclosure_html",
                    "notes",
                    "funding",
                    "funding_statement_html",
                )
            },
        ),
        ("Full text", {"classes": ("collapse",), "fields": ("body_html", "back_html")}),
        (
            "Source",
            {
                "classes": ("collapse",),
                "fields": (
                    "crossref_registration",
                    "pmid",
                    "pmcid",
                    "publisher_id",
                    "source_format",
                    "source_sha256",
                    "version",
                    "created_at",
                    "updated_at",
                ),
            },
        ),
    )

    @admin.display(description="Crossref registration")
    def crossref_registration(self, article):
        return registration(article)

    @admin.action(description="Register the DOIs with Crossref (deposit)")
    def register_dois(self, request, queryset):
        deposit_and_report(request, due_articles(every=True, within=queryset))


import masthead.catalog.admin_assets  # noqa: E402, F401  (uploaded figures and files)
