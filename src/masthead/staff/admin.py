"""The audit log, read-only: nobody adds, edits or deletes entries here."""

from django.contrib import admin

from masthead.staff.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
