from django.contrib import admin

from masthead.commerce.models import Offer


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = (
        "journal",
        "kind",
        "issue",
        "article",
        "currency",
        "amount_minor",
        "access_hours",
        "is_active",
    )
    list_filter = ("kind", "currency", "is_active")
    raw_id_fields = ("journal", "issue", "article")
    search_fields = ("journal__title", "article__doi")
