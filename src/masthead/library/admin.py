"""Librarians and their change requests in the admin.

Publisher staff name an institution's administrators here, and answer change requests:
a request's own words stay as the librarian wrote them; staff set its status and answer,
which the librarian sees on the portal.
"""

from django.contrib import admin
from django.utils import timezone

from masthead.library.models import ChangeRequest, InstitutionAdministrator


@admin.register(InstitutionAdministrator)
class InstitutionAdministratorAdmin(admin.ModelAdmin):
    list_display = ("user", "institution", "created_at")
    list_select_related = ("user", "institution")
    search_fields = ("user__username", "user__email", "institution__name")
    autocomplete_fields = ("user", "institution")


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
    list_display = ("created_at", "institution", "kind", "status", "requested_by")
    list_filter = ("status", "kind")
    list_select_related = ("institution", "requested_by")
    search_fields = ("institution__name", "text", "proposed_range", "requested_by__email")
    date_hierarchy = "created_at"
    fields = (
        "institution",
        "requested_by",
        "created_at",
        "kind",
        "text",
        "proposed_range",
        "status",
        "answer",
        "answered_at",
    )
    readonly_fields = tuple(f for f in fields if f not in ("status", "answer"))

    def has_add_permission(self, request):
        return False  # librarians file requests on the portal

    def save_model(self, request, obj, form, change):
        if {"status", "answer"} & set(form.changed_data):
            obj.answered_at = timezone.now()
        super().save_model(request, obj, form, change)
