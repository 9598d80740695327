from django.contrib import admin

from masthead.commerce.models import Notification, Offer, Order, OrderLine, Payment, Seller, TaxRate
from masthead.read_only_admin import ReadOnlyAdmin


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


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin):
    list_display = ("legal_name", "publisher", "country", "vat_number", "tax_strategy")


@admin.register(TaxRate)
class TaxRateAdmin(admin.ModelAdmin):
    list_display = ("country", "category", "rate_bp", "name", "valid_from", "valid_to", "note")
    list_filter = ("category", "name")
    search_fields = ("country",)


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in OrderLine._meta.fields]


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    """Orders, payments and notifications are records: changed only by services.py."""

    list_display = (
        "public_id",
        "created_at",
        "email",
        "tax_country",
        "currency",
        "total_minor",
        "status",
    )
    list_filter = ("status", "currency", "provider")
    search_fields = ("public_id", "email", "invoice_number")
    inlines = [OrderLineInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("reference", "provider", "order", "amount_minor", "currency", "received_at")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "provider", "event_type", "event_id", "outcome", "order")
    list_filter = ("provider", "outcome")
