"""The demo provider's hosted payment page (stands where Stripe's Checkout page would)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from masthead.commerce import services
from masthead.commerce.models import DemoPayment, Order
from masthead.commerce.money import format_money
from masthead.commerce.providers import demo


@never_cache
def demo_pay(request: HttpRequest, token: str) -> HttpResponse:
    payment = get_object_or_404(DemoPayment, token=token)
    order = get_object_or_404(Order, public_id=payment.order_public_id)
    error = ""
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            return redirect("commerce:cart")
        try:
            body, headers = demo.pay(token, request.POST.get("card", ""))
        except demo.CardDeclined as declined:
            error = str(declined)
        else:
            # The provider tells the shop, through the webhook's own entry point.
            status, message = services.receive_notification("demo", body, headers)
            if status != 200:
                messages.error(request, f"The shop refused the payment notice: {message}")
            return redirect("commerce:order_return", order.public_id)
    context = {
        "payment": payment,
        "order": order,
        "amount": format_money(payment.amount_minor, payment.currency),
        "error": error,
        "test_card": "4242 4242 4242 4242",
        "declined_card": "4000 0000 0000 0002",
    }
    return render(request, "commerce/demo_pay.html", context, status=402 if error else 200)
