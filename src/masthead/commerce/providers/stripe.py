"""Stripe hosted Checkout: the reader pays on Stripe's page, Stripe tells us by webhook.

We create a Checkout Session per order (one line item per order line, our amounts, the
order's idempotency key) and believe only signed events, checked on the raw body by
commerce.signing. Requests go through the official `stripe` library; STRIPE_API_BASE
points it elsewhere (the tests' stand-ins).
"""

from __future__ import annotations

import json
import logging
from contextlib import contextmanager
from datetime import UTC, datetime

import stripe
from django.conf import settings

from masthead.commerce import signing
from masthead.commerce.providers import (
    CheckoutStart,
    PaymentEvent,
    ProviderError,
    SignatureError,
)

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 20
NETWORK_RETRIES = 2  # Stripe's library retries with the same Idempotency-Key

NOT_SET_UP = "Card payments are not set up on this site yet; your order is saved."
UNREACHABLE = "The payment service did not answer; your order is saved, please try again."
REFUSED = "The payment service could not start the payment; your order is saved, please try again."
WRONG_AMOUNT = "The payment service quoted a different amount, so the payment was not started."


class StripeProvider:
    name = "stripe"

    def start_checkout(self, order, success_url: str, cancel_url: str) -> CheckoutStart:
        currency = order.currency.lower()
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": currency,
                        "unit_amount": line.net_minor + line.tax_minor,
                        "product_data": {"name": line.description},
                    },
                }
                for line in order.lines.all()
            ],
            "customer_email": order.email,
            "client_reference_id": order.public_id,
            "metadata": {"order": order.public_id},
            "payment_intent_data": {"metadata": {"order": order.public_id}},
            "success_url": success_url,
            "cancel_url": cancel_url,
        }
        with _answers(REFUSED):
            session = _client().v1.checkout.sessions.create(
                params, {"idempotency_key": order.idempotency_key}
            )
        if (
            session.amount_total != order.total_minor
            or (session.currency or "").lower() != currency
        ):
            log.error(
                "Stripe session %s for order %s: %s %s, expected %s %s",
                session.id, order.public_id, session.amount_total, session.currency,
                order.total_minor, currency,
            )  # fmt: skip
            raise ProviderError(WRONG_AMOUNT)
        return CheckoutStart(redirect_url=session.url, reference=session.id)

    def parse_notification(self, body: bytes, headers) -> PaymentEvent | None:
        signing.verify(body, _header(headers, "Stripe-Signature"), settings.STRIPE_WEBHOOK_SECRET)
        try:
            event = json.loads(body)
            obj = event["data"]["object"]
        except (ValueError, KeyError, TypeError) as e:
            raise SignatureError("the notification is not a Stripe event") from e
        event_type = event.get("type")
        if event_type == "checkout.session.completed":
            return _session_event(event, obj)
        if event_type in ("payment_intent.succeeded", "payment_intent.payment_failed"):
            kind = "paid" if event_type == "payment_intent.succeeded" else "failed"
            amount = obj.get("amount_received") or obj.get("amount")
            return _event(event, kind, _order_of(obj), obj.get("id"), amount, obj.get("currency"))
        if event_type == "charge.refunded":
            return _event(
                event, "refunded", _order_of(obj), _id(obj.get("payment_intent")),
                obj.get("amount_refunded"), obj.get("currency"),
            )  # fmt: skip
        if event_type == "charge.dispute.created":
            return _event(
                event, "disputed", _order_of(obj), _id(obj.get("payment_intent")),
                obj.get("amount"), obj.get("currency"),
            )  # fmt: skip
        return None  # acknowledged, not acted on

    def refund(self, order) -> None:
        payment = order.payments.first()
        if payment is None:
            raise ProviderError("This order has no payment to refund.")
        with _answers("The payment service could not make the refund: {reason}"):
            _client().v1.refunds.create(
                {"payment_intent": payment.reference},
                {"idempotency_key": f"refund-{order.public_id}"},
            )

    def lookup(self, order) -> PaymentEvent | None:
        if not order.provider_reference:
            return None
        with _answers("The payment service could not say whether it was paid: {reason}"):
            session = _client().v1.checkout.sessions.retrieve(order.provider_reference)
        session = session.to_dict()
        if session.get("payment_status") != "paid":
            return None
        event = {"id": f"lookup:{session['id']}", "type": "checkout.session.lookup"}
        return _session_event(event, session)


def _client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise ProviderError(NOT_SET_UP)
    return stripe.StripeClient(
        api_key=settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=TIMEOUT_SECONDS),
    )


@contextmanager
def _answers(refused: str):
    """Turn the library's errors into a ProviderError a reader can read."""
    try:
        yield
    except stripe.StripeError as error:
        log.warning("Stripe: %s (request %s)", error, error.request_id)
        if isinstance(error, stripe.APIConnectionError):
            raise ProviderError(UNREACHABLE) from error
        if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
            raise ProviderError(NOT_SET_UP) from error
        raise ProviderError(
            refused.format(reason=error.user_message or "no reason given")
        ) from error


def _session_event(event: dict, session: dict) -> PaymentEvent | None:
    """A Checkout Session counts once its payment_status is paid (async methods come later)."""
    if session.get("payment_status") != "paid":
        return None
    order_id = session.get("client_reference_id") or _order_of(session)
    return _event(
        event, "paid", order_id, _id(session.get("payment_intent")),
        session.get("amount_total"), session.get("currency"),
    )  # fmt: skip


def _event(event: dict, kind, order_id, reference, amount, currency) -> PaymentEvent:
    created = event.get("created")
    return PaymentEvent(
        event_id=event["id"],
        event_type=event["type"],
        kind=kind,
        order_id=order_id or "",
        payment_reference=reference or "",
        amount_minor=int(amount or 0),
        currency=(currency or "").upper(),
        occurred_at=datetime.fromtimestamp(created, UTC) if created else None,
    )


def _order_of(obj: dict) -> str:
    return (obj.get("metadata") or {}).get("order", "")


def _id(value) -> str:
    """An id, whether Stripe sent it bare or expanded into its object."""
    return value.get("id", "") if isinstance(value, dict) else value or ""


def _header(headers, name: str) -> str:
    """From Django's request.headers (case-insensitive) or a plain dict."""
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name.lower()), "")
    return value
