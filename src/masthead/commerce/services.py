"""The life of an order: written at checkout, paid by a signed notification, fulfilled
once, ended by a refund or a dispute, and reconciled when a notification went missing.

Exactly once: a notification is recorded under its event id before it is acted on (a
replay finds the row), the order row is locked, and only the one transition from
pending to paid creates grants. Views, the demo provider, commands and tests all call
these functions.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from masthead.access.models import Grant
from masthead.commerce.checkout import PricedCart
from masthead.commerce.models import (
    Notification,
    OfferKind,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    Seller,
)
from masthead.commerce.providers import (
    PaymentEvent,
    ProviderError,
    SignatureError,
    get_provider,
)
from masthead.commerce.receipts import send_receipt

log = logging.getLogger(__name__)

ENDED = (OrderStatus.REFUNDED, OrderStatus.DISPUTED)


@dataclass(frozen=True)
class Buyer:
    email: str
    name: str
    billing_country: str
    vat_id: str = ""


def new_idempotency_key() -> str:
    return secrets.token_urlsafe(24)


def create_order(
    user,
    seller: Seller,
    buyer: Buyer,
    cart: PricedCart,
    idempotency_key: str,
    provider: str,
    return_path: str = "",
) -> Order:
    """Write the order and freeze its lines; the same key gives back the same order."""
    existing = Order.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    quote = cart.quote
    try:
        with transaction.atomic():
            order = Order.objects.create(
                public_id=f"MH{secrets.token_hex(6).upper()}",
                idempotency_key=idempotency_key,
                user=user,
                seller=seller,
                email=buyer.email,
                billing_name=buyer.name,
                billing_country=buyer.billing_country.upper(),
                vat_id=quote.evidence.get("vat_id", ""),
                tax_country=quote.country,
                tax_label=quote.label,
                reverse_charge=quote.reverse_charge,
                evidence={**quote.evidence, "invoice_note": quote.note},
                currency=cart.currency,
                subtotal_minor=cart.subtotal_minor,
                tax_minor=cart.tax_minor,
                total_minor=cart.total_minor,
                provider=provider,
                return_path=return_path,
            )
            OrderLine.objects.bulk_create(
                OrderLine(
                    order=order,
                    kind=p.line.kind,
                    offer_id=p.line.offer_id,
                    article=p.line.article if p.line.kind == OfferKind.ARTICLE else None,
                    issue_id=p.line.issue_id,
                    description=p.line.description,
                    net_minor=p.line.net_minor,
                    tax_rate_bp=quote.rate_bp,
                    tax_minor=p.tax_minor,
                    access_hours=p.line.access_hours,
                )
                for p in cart.lines
            )
    except IntegrityError:  # the same key, from a parallel request (a double click)
        return Order.objects.get(idempotency_key=idempotency_key)
    return order


def start_payment(order: Order, success_url: str, cancel_url: str) -> str:
    """Where to send the reader to pay. Asking twice gives the same checkout."""
    provider = get_provider(order.provider)
    started = provider.start_checkout(order, success_url, cancel_url)
    if order.provider_reference != started.reference:
        Order.objects.filter(pk=order.pk).update(provider_reference=started.reference)
        order.provider_reference = started.reference
    return started.redirect_url


def receive_notification(provider_name: str, body: bytes, headers) -> tuple[int, str]:
    """A provider's notification, as the webhook received it: (HTTP status, message)."""
    try:
        provider = get_provider(provider_name)
        event = provider.parse_notification(body, headers)
    except SignatureError as error:
        log.warning("refused %s notification: %s", provider_name, error)
        return 400, f"signature refused: {error}"
    except (ValueError, KeyError, TypeError) as error:
        return 400, f"malformed notification: {error}"
    except ProviderError as error:
        return 404, str(error)
    if event is None:
        return 200, "ignored"
    outcome = apply_event(provider_name, event)
    return (400 if outcome.startswith("rejected") else 200), outcome


def apply_event(provider_name: str, event: PaymentEvent, now: datetime | None = None) -> str:
    """Act on one checked notification, once. Returns what happened, for the log."""
    now = now or timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    provider=provider_name,
                    event_id=event.event_id,
                    event_type=event.event_type,
                    outcome="received",
                    received_at=now,
                )
        except IntegrityError:
            return "duplicate"
        order = _order_for(provider_name, event)
        if order is None:
            outcome = "ignored: no such order"
        elif event.kind == "paid":
            outcome = _paid(order, provider_name, event, now)
        elif event.kind in ("refunded", "disputed"):
            status = OrderStatus.REFUNDED if event.kind == "refunded" else OrderStatus.DISPUTED
            outcome = "ended" if end_access(order, status, now) else "already ended"
        elif event.kind == "failed":
            updated = Order.objects.filter(pk=order.pk, status=OrderStatus.PENDING).update(
                status=OrderStatus.FAILED
            )
            outcome = "failed" if updated else "ignored: not pending"
        else:
            outcome = f"ignored: {event.kind}"
        note.order = order
        note.outcome = outcome[:32]
        note.detail = outcome
        note.save(update_fields=["order", "outcome", "detail"])
    return outcome


def _order_for(provider_name: str, event: PaymentEvent) -> Order | None:
    orders = Order.objects.select_for_update()
    if event.order_id:
        return orders.filter(public_id=event.order_id, provider=provider_name).first()
    payment = Payment.objects.filter(
        provider=provider_name, reference=event.payment_reference
    ).first()
    return orders.filter(pk=payment.order_id).first() if payment else None


def _paid(order: Order, provider_name: str, event: PaymentEvent, now: datetime) -> str:
    if (event.amount_minor, event.currency.upper()) != (order.total_minor, order.currency):
        log.error(
            "order %s: paid %s %s, expected %s %s",
            order.public_id,
            event.amount_minor,
            event.currency,
            order.total_minor,
            order.currency,
        )
        return "rejected: amount or currency differs from the order"
    Payment.objects.get_or_create(
        provider=provider_name,
        reference=event.payment_reference or event.event_id,
        defaults={
            "order": order,
            "amount_minor": event.amount_minor,
            "currency": event.currency.upper(),
            "received_at": now,
        },
    )
    return "fulfilled" if fulfil(order, now) else "already fulfilled"


def fulfil(order: Order, now: datetime) -> bool:
    """Pending (or failed, then paid) → paid: grants from now, the invoice number, the
    receipt. False when another delivery did it first."""
    won = Order.objects.filter(
        pk=order.pk, status__in=(OrderStatus.PENDING, OrderStatus.FAILED)
    ).update(status=OrderStatus.PAID, paid_at=now)
    if not won:
        return False
    order.refresh_from_db()
    _grant_lines(order, now)
    _number_invoice(order)
    transaction.on_commit(lambda: send_receipt(order.pk))
    return True


def _grant_lines(order: Order, now: datetime) -> None:
    for line in order.lines.filter(grant__isnull=True):
        line.grant = Grant.objects.create(
            user_id=order.user_id,
            article_id=line.article_id,
            issue_id=line.issue_id,
            starts_at=now,
            ends_at=now + timedelta(hours=line.access_hours),
            source=f"order {order.public_id}",
        )
        line.save(update_fields=["grant"])


def _number_invoice(order: Order) -> None:
    """The seller's next number, without gaps: the seller row is the counter."""
    Seller.objects.filter(pk=order.seller_id).update(
        last_invoice_number=F("last_invoice_number") + 1
    )
    seller = Seller.objects.get(pk=order.seller_id)
    order.invoice_number = f"{seller.invoice_prefix}{seller.last_invoice_number:06d}"
    order.save(update_fields=["invoice_number"])


def end_access(order: Order, status: str, now: datetime | None = None) -> bool:
    """A refund or a dispute: the order's grants end now. False if it had ended before."""
    now = now or timezone.now()
    with transaction.atomic():
        changed = (
            Order.objects.filter(pk=order.pk)
            .exclude(status__in=ENDED)
            .update(status=status, ended_at=now)
        )
        Grant.objects.filter(order_line__order=order, ends_at__gt=now).update(ends_at=now)
    return bool(changed)


def refund(order: Order, now: datetime | None = None) -> None:
    """Staff refund: the provider returns the money, and access ends at once (the
    provider's later refund notification then changes nothing)."""
    if order.status != OrderStatus.PAID:
        raise ProviderError(f"Order {order.public_id} is {order.get_status_display().lower()}.")
    get_provider(order.provider).refund(order)
    end_access(order, OrderStatus.REFUNDED, now)


@dataclass
class Reconciliation:
    fulfilled_late: int = 0
    grants_repaired: int = 0
    still_pending: int = 0


def reconcile(
    now: datetime | None = None, max_age: timedelta = timedelta(days=3)
) -> Reconciliation:
    """Compare orders with payments and grants: a paid order without its grants gets
    them; a pending order the provider says was paid (a notification lost or late) is
    fulfilled through the same path a notification takes."""
    now = now or timezone.now()
    result = Reconciliation()
    missing = Order.objects.filter(status=OrderStatus.PAID, lines__grant__isnull=True).distinct()
    for order in missing:
        with transaction.atomic():
            _grant_lines(order, order.paid_at or now)
        result.grants_repaired += 1
    pending = Order.objects.filter(
        status=OrderStatus.PENDING, created_at__gte=now - max_age
    ).exclude(provider_reference="")
    for order in pending:
        try:
            event = get_provider(order.provider).lookup(order)
        except ProviderError as error:
            log.warning("reconcile %s: %s", order.public_id, error)
            event = None
        if event is not None and apply_event(order.provider, event, now) == "fulfilled":
            result.fulfilled_late += 1
        else:
            result.still_pending += 1
    return result
