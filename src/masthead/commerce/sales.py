"""Sales figures for the back office and the dashboard: per month and currency.

Orders count in the month they were paid. An order since refunded or disputed leaves the
month's kept orders and revenue and is shown beside them, so that a month's revenue is
what the publisher keeps. One query, whatever the number of orders; currencies are never
added together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from masthead.commerce.models import Order, OrderStatus
from masthead.commerce.money import format_money
from masthead.sql import as_date
from masthead.usage.months import month_period, next_month

SOLD = (OrderStatus.PAID, OrderStatus.REFUNDED, OrderStatus.DISPUTED)
ENDED = (OrderStatus.REFUNDED, OrderStatus.DISPUTED)


@dataclass(frozen=True)
class MonthSales:
    """One month's sales in one currency."""

    month: dt.date
    currency: str
    orders: int  # paid this month and kept
    net_minor: int  # their prices before tax
    tax_minor: int  # the tax on them
    gross_minor: int  # what the buyers paid for them, tax included
    refunded: int  # paid this month, since refunded or disputed
    refunded_minor: int  # what those buyers paid (and got back)

    @property
    def net(self) -> str:
        return format_money(self.net_minor, self.currency)

    @property
    def tax(self) -> str:
        return format_money(self.tax_minor, self.currency)

    @property
    def gross(self) -> str:
        return format_money(self.gross_minor, self.currency)

    @property
    def refunds(self) -> str:
        return format_money(self.refunded_minor, self.currency)


def _start(month: dt.date) -> dt.datetime:
    return dt.datetime(month.year, month.month, 1, tzinfo=dt.UTC)


def _after(month: dt.date) -> dt.datetime:
    return _start(next_month(month))


def sales_by_month(first_month: dt.date, last_month: dt.date) -> list[MonthSales]:
    """Months (UTC) from first_month to last_month with any payment, newest first, one row
    per currency."""
    kept = Q(status=OrderStatus.PAID)
    ended = Q(status__in=ENDED)
    rows = (
        Order.objects.filter(
            status__in=SOLD, paid_at__gte=_start(first_month), paid_at__lt=_after(last_month)
        )
        .annotate(month=TruncMonth("paid_at", tzinfo=dt.UTC))
        .values("month", "currency")
        .annotate(
            orders=Count("pk", filter=kept),
            net=Sum("subtotal_minor", filter=kept),
            tax=Sum("tax_minor", filter=kept),
            gross=Sum("total_minor", filter=kept),
            refunded=Count("pk", filter=ended),
            refunded_minor=Sum("total_minor", filter=ended),
        )
        .order_by("-month", "currency")
    )
    return [
        MonthSales(
            as_date(r["month"]),
            r["currency"],
            r["orders"],
            r["net"] or 0,
            r["tax"] or 0,
            r["gross"] or 0,
            r["refunded"],
            r["refunded_minor"] or 0,
        )
        for r in rows
    ]


def totals_by_currency(months: list[MonthSales]) -> list[MonthSales]:
    """The period's totals, one per currency (`month`: the latest month with sales)."""
    totals: dict[str, MonthSales] = {}
    for m in months:
        before = totals.get(m.currency)
        totals[m.currency] = (
            m
            if before is None
            else MonthSales(
                max(before.month, m.month),
                m.currency,
                before.orders + m.orders,
                before.net_minor + m.net_minor,
                before.tax_minor + m.tax_minor,
                before.gross_minor + m.gross_minor,
                before.refunded + m.refunded,
                before.refunded_minor + m.refunded_minor,
            )
        )
    return [totals[c] for c in sorted(totals)]


def recent_sales(months: int = 24) -> list[MonthSales]:
    """The last `months` months, this one included (the sales back office)."""
    return sales_by_month(*month_period(timezone.now().date(), months))
