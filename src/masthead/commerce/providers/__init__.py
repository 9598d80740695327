"""Payment providers: where the reader pays, and how we learn that they did.

A provider starts a hosted checkout for an order and turns its signed notifications
into :class:`PaymentEvent` values; commerce.services applies them. Card data never
reaches us: the reader pays on the provider's page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from masthead.commerce.models import Order


class SignatureError(Exception):
    """A notification whose signature, timestamp or body does not check out."""


class ProviderError(Exception):
    """The provider refused or could not be reached; the message is for the reader."""


@dataclass(frozen=True)
class CheckoutStart:
    redirect_url: str
    reference: str  # the provider's checkout session id, kept on the order


@dataclass(frozen=True)
class PaymentEvent:
    """A notification, checked and normalised. `kind` is paid, refunded, disputed or failed."""

    event_id: str
    event_type: str
    kind: str
    order_id: str  # our Order.public_id, as we handed it to the provider
    payment_reference: str
    amount_minor: int
    currency: str  # upper case ISO 4217
    occurred_at: datetime | None = None


class Provider(Protocol):
    name: str

    def start_checkout(self, order: Order, success_url: str, cancel_url: str) -> CheckoutStart: ...

    def parse_notification(self, body: bytes, headers) -> PaymentEvent | None:
        """Check the signature on the raw body; None for events we do not act on."""

    def refund(self, order: Order) -> None: ...

    def lookup(self, order: Order) -> PaymentEvent | None:
        """Ask the provider whether the order was paid (reconciliation of late notices)."""


PROVIDERS = {
    "demo": "masthead.commerce.providers.demo.DemoProvider",
    "stripe": "masthead.commerce.providers.stripe.StripeProvider",
}


def get_provider(name: str | None = None) -> Provider:
    name = name or settings.MASTHEAD_PAYMENT_PROVIDER
    if name not in PROVIDERS:
        raise ProviderError(f"Unknown payment provider {name!r}")
    return import_string(PROVIDERS[name])()
