"""{% my_orders user %}: a reader's orders and receipts, for the My access page."""

from django import template

from masthead.commerce.models import Order

register = template.Library()


@register.inclusion_tag("commerce/_my_orders.html")
def my_orders(user):
    return {"orders": Order.objects.filter(user=user).order_by("-created_at")[:50]}
