"""The built-in demo payment provider: a hosted payment page inside Masthead.

It behaves like a real provider so the whole flow can be tried without an account
anywhere: the reader pays on its page (test card 4242 4242 4242 4242 succeeds,
4000 0000 0000 0002 is declined), and it sends a signed notification to the same
entry point a real provider's webhook reaches. Its secret is MASTHEAD_DEMO_PAYMENT_SECRET.
"""

import json
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from masthead.commerce import signing
from masthead.commerce.models import DemoPayment
from masthead.commerce.providers import CheckoutStart, PaymentEvent, ProviderError

SIGNATURE_HEADER = "Masthead-Demo-Signature"
SUCCEEDING_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"


class CardDeclined(ProviderError):
    pass


class DemoProvider:
    name = "demo"

    def start_checkout(self, order, success_url: str, cancel_url: str) -> CheckoutStart:
        payment, _ = DemoPayment.objects.get_or_create(
            order_public_id=order.public_id,
            defaults={
                "token": secrets.token_urlsafe(18),
                "amount_minor": order.total_minor,
                "currency": order.currency,
            },
        )
        url = reverse("commerce:demo_pay", args=[payment.token])
        return CheckoutStart(redirect_url=url, reference=payment.token)

    def parse_notification(self, body: bytes, headers) -> PaymentEvent | None:
        signing.verify(body, headers.get(SIGNATURE_HEADER, ""), _secret())
        data = json.loads(body)
        return PaymentEvent(
            event_id=str(data["id"]),
            event_type=str(data["type"]),
            kind=str(data["type"]).removeprefix("payment."),
            order_id=str(data["order"]),
            payment_reference=str(data["payment"]),
            amount_minor=int(data["amount"]),
            currency=str(data["currency"]).upper(),
        )

    def refund(self, order) -> None:
        updated = DemoPayment.objects.filter(order_public_id=order.public_id, status="paid").update(
            status="refunded"
        )
        if not updated:
            raise ProviderError(f"The demo provider holds no payment for {order.public_id}.")

    def lookup(self, order) -> PaymentEvent | None:
        payment = DemoPayment.objects.filter(order_public_id=order.public_id).first()
        if payment is None or payment.status != "paid":
            return None
        return _event(payment, "payment.paid", event_id=f"lookup:{payment.token}")


def pay(token: str, card_number: str) -> tuple[bytes, dict]:
    """The reader pays on the demo page: charge the card, and return the signed
    notification the provider sends (the caller delivers it)."""
    card = "".join(ch for ch in card_number if ch.isdigit())
    with transaction.atomic():
        payment = DemoPayment.objects.select_for_update().get(token=token)
        if payment.status == "paid":
            event_type = "payment.paid"  # paid already: the notice is sent again
        elif card == SUCCEEDING_CARD:
            payment.status, payment.paid_at, payment.card_last4 = "paid", timezone.now(), card[-4:]
            payment.save(update_fields=["status", "paid_at", "card_last4"])
            event_type = "payment.paid"
        elif card == DECLINED_CARD:
            raise CardDeclined("Your card was declined. Try the test card 4242 4242 4242 4242.")
        else:
            raise CardDeclined("The demo accepts only its test cards (4242 4242 4242 4242).")
    return notification(payment, event_type)


def notification(payment: DemoPayment, event_type: str) -> tuple[bytes, dict]:
    body = json.dumps(_event_data(payment, event_type, f"evt_{payment.token}")).encode()
    return body, {SIGNATURE_HEADER: signing.signature_header(body, _secret())}


def _event_data(payment: DemoPayment, event_type: str, event_id: str) -> dict:
    return {
        "id": event_id,
        "type": event_type,
        "order": payment.order_public_id,
        "payment": f"demo_{payment.token}",
        "amount": payment.amount_minor,
        "currency": payment.currency,
    }


def _event(payment: DemoPayment, event_type: str, event_id: str) -> PaymentEvent:
    data = _event_data(payment, event_type, event_id)
    return PaymentEvent(
        event_id=event_id,
        event_type=event_type,
        kind="paid",
        order_id=data["order"],
        payment_reference=data["payment"],
        amount_minor=data["amount"],
        currency=data["currency"],
    )


def _secret() -> str:
    return settings.MASTHEAD_DEMO_PAYMENT_SECRET
