"""Sellers, orders and payments: what a reader bought, what they paid, what it opened.

Imported into commerce/models.py, so these models belong to the commerce app. An order
is written before the reader leaves for the payment provider and freezes its lines,
prices and tax; only the provider's signed notification marks it paid (services.py).
"""

from django.conf import settings
from django.db import models

from masthead.access.models import Grant
from masthead.catalog.models import Article, Issue, Publisher
from masthead.commerce.money import format_money

__all__ = [
    "Seller",
    "TaxStrategy",
    "Order",
    "OrderStatus",
    "OrderLine",
    "Payment",
    "Notification",
    "DemoPayment",
]


class TaxStrategy(models.TextChoices):
    EU_VAT = "eu_vat", "VAT by the customer's country (EU One-Stop Shop rules)"
    NONE = "none", "No tax (not registered)"


class Seller(models.Model):
    """Who sells and invoices: a publisher's legal details and how it charges tax."""

    publisher = models.OneToOneField(Publisher, on_delete=models.CASCADE, related_name="seller")
    legal_name = models.CharField(max_length=255)
    address = models.TextField(help_text="Postal address, printed on invoices.")
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2, where established")
    vat_number = models.CharField("VAT number", max_length=32, blank=True)
    email = models.EmailField(blank=True, help_text="Shown on receipts for questions.")
    tax_strategy = models.CharField(
        max_length=16, choices=TaxStrategy.choices, default=TaxStrategy.EU_VAT
    )
    invoice_prefix = models.CharField(max_length=16, default="INV-")
    last_invoice_number = models.PositiveIntegerField(
        default=0, help_text="Invoices are numbered without gaps from here."
    )

    def __str__(self) -> str:
        return self.legal_name


class OrderStatus(models.TextChoices):
    PENDING = "pending", "Awaiting payment"
    PAID = "paid", "Paid"
    REFUNDED = "refunded", "Refunded"
    DISPUTED = "disputed", "Disputed"
    FAILED = "failed", "Payment failed"


class Order(models.Model):
    public_id = models.CharField(max_length=24, unique=True, editable=False)
    idempotency_key = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="orders")
    email = models.EmailField()
    billing_name = models.CharField(max_length=255, blank=True)
    billing_country = models.CharField(max_length=2)
    vat_id = models.CharField("buyer's VAT id", max_length=32, blank=True)
    tax_country = models.CharField(max_length=2, blank=True, help_text="Place of supply")
    tax_label = models.CharField(max_length=255, blank=True)
    reverse_charge = models.BooleanField(default=False)
    evidence = models.JSONField(default=dict, help_text="Place-of-supply evidence kept")
    currency = models.CharField(max_length=3)
    subtotal_minor = models.PositiveIntegerField()
    tax_minor = models.PositiveIntegerField()
    total_minor = models.PositiveIntegerField()
    status = models.CharField(
        max_length=16, choices=OrderStatus.choices, default=OrderStatus.PENDING, db_index=True
    )
    provider = models.CharField(max_length=16)
    provider_reference = models.CharField(
        max_length=255, blank=True, db_index=True, help_text="The provider's checkout session"
    )
    return_path = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Refunded or disputed")
    invoice_number = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "invoice_number"],
                condition=~models.Q(invoice_number=""),
                name="one_invoice_number_per_seller",
            )
        ]

    def __str__(self) -> str:
        return f"Order {self.public_id} ({self.get_status_display()})"

    @property
    def total(self) -> str:
        return format_money(self.total_minor, self.currency)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=16)
    offer = models.ForeignKey("commerce.Offer", on_delete=models.SET_NULL, null=True, blank=True)
    article = models.ForeignKey(Article, on_delete=models.PROTECT, null=True, blank=True)
    issue = models.ForeignKey(Issue, on_delete=models.PROTECT, null=True, blank=True)
    description = models.CharField(max_length=1000)
    net_minor = models.PositiveIntegerField()
    tax_rate_bp = models.PositiveIntegerField(help_text="Basis points: 1900 = 19%")
    tax_minor = models.PositiveIntegerField()
    access_hours = models.PositiveIntegerField()
    grant = models.OneToOneField(
        Grant, on_delete=models.SET_NULL, null=True, blank=True, related_name="order_line"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description

    @property
    def total_minor(self) -> int:
        return self.net_minor + self.tax_minor


class Payment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=16)
    reference = models.CharField(max_length=255, help_text="The provider's payment id")
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "reference"], name="one_payment_per_ref")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.reference}"


class Notification(models.Model):
    """Each payment notification received, once: a replay finds its row and changes nothing."""

    provider = models.CharField(max_length=16)
    event_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=64)
    order = models.ForeignKey(Order, on_delete=models.SET_NULL, null=True, blank=True)
    outcome = models.CharField(max_length=32)
    detail = models.TextField(blank=True)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="one_row_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type} {self.event_id}: {self.outcome}"


class DemoPayment(models.Model):
    """The built-in demo provider's side: a hosted payment page and its outcome."""

    token = models.CharField(max_length=64, unique=True)
    order_public_id = models.CharField(max_length=24, unique=True)
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=16, default="open")  # open, paid, declined, refunded
    card_last4 = models.CharField(max_length=4, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"demo {self.token} {self.status}"
