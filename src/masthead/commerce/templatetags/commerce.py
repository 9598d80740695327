"""{% my_orders user %}: a reader's orders and receipts, for the My access page."""

from django import template

from masthead.commerce.models import Order
from masthead.commerce.money import format_money

register = template.Library()


@register.inclusion_tag("commerce/_my_orders.html")
def my_orders(user):
    orders = Order.objects.filter(user=user).order_by("-created_at")[:50]
    rows = [{"order": o, "total": format_money(o.total_minor, o.currency)} for o in orders]
    return {"rows": rows}
