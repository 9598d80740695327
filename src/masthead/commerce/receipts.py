"""Receipts: the invoice (seller, buyer, lines, tax) and the e-mail that carries it."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from masthead.commerce.models import Order
from masthead.commerce.money import format_money
from masthead.commerce.tax import country_name

log = logging.getLogger(__name__)


def invoice_context(order: Order) -> dict:
    lines = [
        {
            "description": line.description,
            "net": format_money(line.net_minor, order.currency),
            "rate": f"{line.tax_rate_bp / 100:g}%",
            "tax": format_money(line.tax_minor, order.currency),
            "total": format_money(line.total_minor, order.currency),
        }
        for line in order.lines.all()
    ]
    return {
        "order": order,
        "seller": order.seller,
        "lines": lines,
        "subtotal": format_money(order.subtotal_minor, order.currency),
        "tax": format_money(order.tax_minor, order.currency),
        "total": format_money(order.total_minor, order.currency),
        "billing_country": country_name(order.billing_country),
        "tax_country": country_name(order.tax_country),
        "reverse_charge_note": order.evidence.get("invoice_note", ""),
    }


def render_invoice(order: Order) -> str:
    return render_to_string("commerce/invoice.html", invoice_context(order))


def send_receipt(order_pk: int) -> None:
    """E-mail the paid order's receipt, the invoice attached. A mail failure is logged:
    the invoice stays downloadable from My access."""
    order = Order.objects.select_related("seller").get(pk=order_pk)
    context = invoice_context(order) | {
        "site_name": settings.MASTHEAD_SITE_NAME,
        "base_url": settings.MASTHEAD_BASE_URL,
    }
    message = EmailMessage(
        subject=f"Your receipt {order.invoice_number} – {settings.MASTHEAD_SITE_NAME}",
        body=render_to_string("commerce/email/receipt.txt", context),
        to=[order.email],
        reply_to=[order.seller.email] if order.seller.email else None,
    )
    message.attach(f"{order.invoice_number}.html", render_invoice(order), "text/html")
    try:
        message.send()
    except OSError as error:
        log.error("receipt for %s not sent: %s", order.public_id, error)
