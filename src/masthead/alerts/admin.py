"""Staff see who follows what and what the job has sent; nothing here is edited by hand."""

from django.contrib import admin

from masthead.alerts.models import AnnouncedIssue, Delivery, Subscription
from masthead.read_only_admin import ReadOnlyAdmin


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("user", "kind", "journal", "article", "created_at")
    list_select_related = ("user", "journal", "article")
    list_filter = (("journal", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("user__email", "journal__title", "journal__code", "article__doi")
    date_hierarchy = "created_at"


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("subscription", "issue", "citing_doi", "planned_at", "sent_at", "attempts")
    list_select_related = (
        "subscription__user",
        "subscription__journal",
        "subscription__article",
        "issue__journal",
    )
    list_filter = (("sent_at", admin.EmptyFieldListFilter), "attempts")
    search_fields = ("subscription__user__email", "citing_doi")
    raw_id_fields = ("subscription", "issue", "citation")


@admin.register(AnnouncedIssue)
class AnnouncedIssueAdmin(ReadOnlyAdmin):
    list_display = ("issue", "out_at", "mailed")
    list_select_related = ("issue__journal",)
    list_filter = ("mailed",)
