"""The audit log, read-only: nobody adds, edits or deletes entries here."""

from django.contrib import admin

from masthead.read_only_admin import ReadOnlyAdmin
from masthead.staff.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "action", "content_type", "object_repr")
    list_filter = ("action", "content_type", "user", "at")
    date_hierarchy = "at"
    search_fields = ("username", "object_repr", "object_id")
    list_select_related = ("content_type",)
    readonly_fields = (
        "at",
        "user",
        "username",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "before",
        "after",
    )
    fields = readonly_fields
