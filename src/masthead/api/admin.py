"""API tokens in the admin: made here (the key is shown once), listed, revoked."""

from django.contrib import admin, messages

from masthead.api.models import ApiToken
from masthead.api.tokens import create_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at")
    list_select_related = ("user",)
    search_fields = ("name", "user__username", "prefix")
    fields = ("user", "name", "prefix", "created_at", "last_used_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    autocomplete_fields = ("user",)

    def get_readonly_fields(self, request, obj=None):
        # A token's owner never changes; make a new token instead.
        return (*self.readonly_fields, "user") if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, key = create_token(obj.user, obj.name)
        obj.pk, obj.key_sha256, obj.prefix = token.pk, token.key_sha256, token.prefix
        messages.warning(
            request,
            f"The key of “{token.name}” is {key} — copy it now: it is not stored and "
            "will not be shown again. Send it as: Authorization: Token <key>",
        )
