"""Staff sales pages: sales per month, orders, one order with its refund button."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from masthead.commerce import services
from masthead.commerce.models import Order, OrderStatus
from masthead.commerce.providers import ProviderError
from masthead.commerce.sales import recent_sales
from masthead.staff.services import area_required
from masthead.staff.signals import audited


@never_cache
@area_required("sales")
def overview(request):
    status = request.GET.get("status", "")
    orders = Order.objects.select_related("user").order_by("-created_at")
    if status in OrderStatus.values:
        orders = orders.filter(status=status)
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    context = {
        "months": recent_sales(),
        "page": page,
        "status": status,
        "statuses": OrderStatus.choices,
    }
    return render(request, "commerce/backoffice_overview.html", context)


@never_cache
@area_required("sales")
def order_detail(request, public_id):
    order = get_object_or_404(Order.objects.select_related("seller", "user"), public_id=public_id)
    context = {
        "order": order,
        "lines": order.lines.select_related("grant"),
        "payments": order.payments.all(),
        "notifications": order.notification_set.all()[:50],
        "total": order.total,
    }
    return render(request, "commerce/backoffice_order.html", context)


@require_POST
@area_required("sales")
def refund(request, public_id):
    order = get_object_or_404(Order, public_id=public_id)
    try:
        with audited(order, "status", "ended_at"):  # refund() updates without a save
            services.refund(order)
    except ProviderError as error:
        messages.error(request, f"Not refunded: {error}")
    else:
        messages.success(request, f"Order {order.public_id} refunded; its access has ended.")
    return redirect("sales_admin:order", order.public_id)
