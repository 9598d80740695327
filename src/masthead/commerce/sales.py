"""Sales figures for the back office: per month and currency, from the frozen orders."""

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from masthead.commerce.models import Order, OrderStatus
from masthead.commerce.money import format_money

SOLD = (OrderStatus.PAID, OrderStatus.REFUNDED, OrderStatus.DISPUTED)


@dataclass(frozen=True)
class MonthSales:
    month: object
    currency: str
    orders: int
    net_minor: int
    tax_minor: int
    gross_minor: int
    ended: int
    ended_minor: int

    def money(self, minor: int) -> str:
        return format_money(minor, self.currency)

    @property
    def net(self) -> str:
        return self.money(self.net_minor)

    @property
    def tax(self) -> str:
        return self.money(self.tax_minor)

    @property
    def gross(self) -> str:
        return self.money(self.gross_minor)

    @property
    def refunded(self) -> str:
        return self.money(self.ended_minor)


def monthly_sales(limit: int = 24) -> list[MonthSales]:
    """Sales by month of payment, newest first; refunds and disputes apart."""
    ended = Q(status__in=(OrderStatus.REFUNDED, OrderStatus.DISPUTED))
    rows = (
        Order.objects.filter(status__in=SOLD, paid_at__isnull=False)
        .annotate(month=TruncMonth("paid_at"))
        .values("month", "currency")
        .annotate(
            orders=Count("pk"),
            net=Sum("subtotal_minor"),
            tax=Sum("tax_minor"),
            gross=Sum("total_minor"),
            ended=Count("pk", filter=ended),
            ended_minor=Sum("total_minor", filter=ended),
        )
        .order_by("-month", "currency")[:limit]
    )
    return [
        MonthSales(
            r["month"],
            r["currency"],
            r["orders"],
            r["net"] or 0,
            r["tax"] or 0,
            r["gross"] or 0,
            r["ended"],
            r["ended_minor"] or 0,
        )
        for r in rows
    ]
