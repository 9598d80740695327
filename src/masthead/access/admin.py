from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from masthead.access.models import Grant, IdentityProvider, Institution, IPRange, Licence


class IPRangeInline(admin.TabularInline):
    model = IPRange
    extra = 1
    fields = ("text",)


class IdentityProviderInline(admin.TabularInline):
    model = IdentityProvider
    extra = 0
    fields = ("entity_id", "display_name", "required_entitlement", "allowed_scope")


class LicenceInline(admin.StackedInline):
    model = Licence
    extra = 0
    raw_id_fields = ("journal",)
    fields = (
        "journal",
        ("starts_on", "ends_on"),
        ("first_year", "last_year"),
        ("first_volume", "last_volume"),
        ("perpetual_first_year", "perpetual_last_year"),
        "concurrent_users",
    )


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active", "contact_email", "kbart_link")
    list_filter = ("is_active",)
    search_fields = ("name", "ip_ranges__text", "identity_providers__entity_id")
    inlines = [IPRangeInline, IdentityProviderInline, LicenceInline]

    @admin.display(description="KBART holdings")
    def kbart_link(self, institution: Institution) -> str:
        url = reverse("access:kbart", args=[institution.pk])
        return format_html('<a href="{}">download</a>', url)


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ("user", "article", "issue", "journal", "starts_at", "ends_at", "source")
    search_fields = ("user__username", "user__email", "article__doi", "source")
    raw_id_fields = ("user", "article", "issue", "journal")
    date_hierarchy = "ends_at"


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ("institution", "journal", "starts_on", "ends_on", "concurrent_users")
    list_filter = ("journal",)
    search_fields = ("institution__name", "journal__title")
    raw_id_fields = ("institution", "journal")
