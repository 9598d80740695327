from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import path

from masthead.citations.admin_actions import deposit_and_report
from masthead.citations.cited_by import crossref_client
from masthead.citations.crossref import CrossrefError
from masthead.citations.deposit import check_results, due_articles, due_ids, members_publishers
from masthead.citations.models import Citation, CrossrefMember, DepositBatch, DepositItem


class CrossrefMemberForm(forms.ModelForm):
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="Leave empty to keep the stored password.",
    )

    class Meta:
        model = CrossrefMember
        fields = [
            "publisher",
            "username",
            "password",
            "depositor_name",
            "depositor_email",
            "registrant",
            "cited_by",
            "cited_by_checked_until",
        ]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not password and self.instance.pk:
            return self.instance.password
        if not password:
            raise forms.ValidationError("Crossref needs the password of this login.")
        return password


@admin.register(CrossrefMember)
class CrossrefMemberAdmin(admin.ModelAdmin):
    form = CrossrefMemberForm
    list_display = (
        "publisher",
        "username",
        "depositor_email",
        "cited_by",
        "cited_by_checked_until",
    )


class DepositItemInline(admin.TabularInline):
    model = DepositItem
    extra = 0
    can_delete = False
    fields = ("doi", "status", "message")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DepositBatch)
class DepositBatchAdmin(admin.ModelAdmin):
    list_display = (
        "batch_id",
        "member",
        "status",
        "created_at",
        "success_count",
        "warning_count",
        "failure_count",
    )
    list_filter = ("status",)
    search_fields = ("batch_id", "items__doi")
    readonly_fields = [f.name for f in DepositBatch._meta.fields]
    inlines = [DepositItemInline]
    change_list_template = "admin/citations/depositbatch/change_list.html"

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        own = [
            path(
                "deposit-due/",
                self.admin_site.admin_view(self.deposit_due),
                name="citations_deposit_due",
            ),
            path(
                "check-results/",
                self.admin_site.admin_view(self.check_now),
                name="citations_check_results",
            ),
        ]
        return own + super().get_urls()

    def deposit_due(self, request):
        """The button: deposit every new or changed article (POST only)."""
        if request.method == "POST" and self.has_change_permission(request):
            deposit_and_report(request, due_articles(members_publishers()))
        return redirect("admin:citations_depositbatch_changelist")

    def check_now(self, request):
        if request.method == "POST" and self.has_change_permission(request):
            try:
                finished = check_results(crossref_client())
                messages.info(request, f"{len(finished)} deposits have their results now.")
            except CrossrefError as error:
                messages.error(request, f"Crossref did not answer: {error}")
        return redirect("admin:citations_depositbatch_changelist")

    def changelist_view(self, request, extra_context=None):
        members = members_publishers()
        extra = {"due": len(due_ids(members)), "members": members.exists()}
        extra.update(extra_context or {})
        return super().changelist_view(request, extra)


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ("citing_doi", "cited", "year", "from_corpus", "from_crossref", "found_at")
    list_filter = ("from_corpus", "from_crossref")
    search_fields = ("citing_doi", "cited__doi", "title")
    raw_id_fields = ("cited", "citing_article", "reference")
