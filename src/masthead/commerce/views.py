"""Shop pages: cart, checkout, the return from payment, receipts, the payment webhook.

Views parse and call: prices come from the cart (never the form), orders and payments
from services.py.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from masthead.access import accounts
from masthead.access.redirects import same_site_path
from masthead.access.services import request_ip
from masthead.commerce import cart, geo, services, tax
from masthead.commerce.checkout import NotForSale, price, seller_for
from masthead.commerce.forms import CheckoutForm
from masthead.commerce.models import Order, OrderStatus
from masthead.commerce.providers import ProviderError
from masthead.commerce.receipts import render_invoice

RETURN_KEY = "masthead_cart_return"


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    if request.POST.get("quantity", "1") != "1":
        return HttpResponseBadRequest("Each offer is bought once: quantity must be 1.")
    try:
        line = cart.add(request, request.POST.get("offer"), request.POST.get("article"))
    except cart.CartError as error:
        messages.error(request, str(error))
        return redirect("commerce:cart")
    request.session[RETURN_KEY] = line.article.get_absolute_url()
    messages.success(request, f"Added to your cart: {line.description}")
    return redirect("commerce:cart")


@require_POST
def cart_remove(request: HttpRequest) -> HttpResponse:
    cart.remove(request, request.POST.get("line", ""))
    return redirect("commerce:cart")


@never_cache
def cart_view(request: HttpRequest) -> HttpResponse:
    lines = cart.lines(request)
    ip_country = geo.ip_country(request_ip(request))
    country = (request.GET.get("country") or ip_country or "").upper()[:2]
    priced, problem = None, ""
    if lines and country:
        try:
            seller = seller_for(lines)
            evidence = tax.Evidence(billing_country=country, ip_country=ip_country)
            priced = price(lines, seller, evidence, timezone.now().date())
        except (tax.TaxError, NotForSale) as error:
            problem = str(error)
    context = {
        "lines": lines,
        "priced": priced,
        "problem": problem,
        "country": country,
        "country_name": tax.country_name(country),
        "countries": CheckoutForm.base_fields["country"].choices,
        "continue_url": request.session.get(RETURN_KEY, "/"),
    }
    return render(request, "commerce/cart.html", context)


@never_cache
def checkout(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        placed = _placed_already(request, request.POST.get("idempotency_key", ""))
        if placed is not None:  # a second click on the same form: the same order
            return placed
    lines = cart.lines(request)
    if not lines:
        # A parallel click of this form may have placed the order and logged the guest
        # in meanwhile, which replaced the session that held the cart.
        placed = _placed_already(request, request.POST.get("idempotency_key", ""))
        if placed is not None:
            return placed
        messages.info(request, "Your cart is empty.")
        return redirect("commerce:cart")
    ip_country = geo.ip_country(request_ip(request))
    user = request.user if request.user.is_authenticated else None
    initial = {
        "email": user.email if user else "",
        "country": request.GET.get("country") or ip_country,
        "idempotency_key": services.new_idempotency_key(),
    }
    form = CheckoutForm(request.POST or None, initial=initial)
    if user is not None:
        form.fields["email"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            seller = seller_for(lines)
            evidence = tax.Evidence(data["country"], ip_country, data["vat_id"])
            priced = price(lines, seller, evidence, timezone.now().date())
        except (tax.TaxError, NotForSale) as error:
            form.add_error("vat_id" if isinstance(error, tax.InvalidVatId) else None, str(error))
        else:
            order = _order(request, user, seller, priced, data, form)
            if isinstance(order, HttpResponse):
                return order
            if order is not None:
                return _to_payment(request, order)
    return render(request, "commerce/checkout.html", {"form": form, "lines": lines})


KNOWN_EMAIL = "An account with this e-mail exists: please log in first."


def _order(request, user, seller, priced, data, form):
    """Write the order. A buyer who is not logged in gets a new account with it (and is
    logged in, so the purchase is theirs on any device); a known address logs in first."""
    if user is not None:
        return _write_order(request, user, seller, priced, data)
    if accounts.email_taken(data["email"]):
        placed = _placed_already(request, data["idempotency_key"])
        if placed is None:
            form.add_error("email", KNOWN_EMAIL)
        return placed
    try:
        with transaction.atomic():  # account and order together: a parallel click waits
            user = accounts.create_reader(data["email"], None)
            order = _write_order(request, user, seller, priced, data)
    except accounts.EmailTaken:  # that parallel click won: its order is ours
        placed = _placed_already(request, data["idempotency_key"])
        if placed is None:
            form.add_error("email", KNOWN_EMAIL)
        return placed
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    accounts.send_verification_email(user)
    return order


def _write_order(request, user, seller, priced, data) -> Order:
    buyer = services.Buyer(
        email=user.email or data["email"],
        name=data["name"],
        billing_country=data["country"],
        vat_id=data["vat_id"],
    )
    return services.create_order(
        user,
        seller,
        buyer,
        priced,
        data["idempotency_key"],
        provider=settings.MASTHEAD_PAYMENT_PROVIDER,
        return_path=request.session.get(RETURN_KEY, ""),
    )


def _placed_already(request: HttpRequest, key: str) -> HttpResponse | None:
    """The order this checkout form wrote before, if any, and where it goes now.

    The key is in the form this browser was given, so a guest who clicked twice is the
    guest whose new account the first click made (only within the hour, only before
    the account has a password)."""
    order = (
        Order.objects.select_related("user").filter(idempotency_key=key).first() if key else None
    )
    if order is None:
        return None
    if request.user.is_authenticated:
        if order.user_id != request.user.pk:
            return HttpResponseBadRequest("This checkout belongs to someone else.")
    elif order.user.has_usable_password() or order.created_at < timezone.now() - GUEST_WINDOW:
        return None
    else:
        login(request, order.user, backend="django.contrib.auth.backends.ModelBackend")
    return _to_payment(request, order)


GUEST_WINDOW = timedelta(hours=1)


def _to_payment(request: HttpRequest, order: Order) -> HttpResponse:
    if order.status != OrderStatus.PENDING:
        return redirect("commerce:order_return", order.public_id)
    success = request.build_absolute_uri(reverse("commerce:order_return", args=[order.public_id]))
    cancel = request.build_absolute_uri(reverse("commerce:cart"))
    try:
        return redirect(services.start_payment(order, success, cancel))
    except ProviderError as error:
        messages.error(request, str(error))
        return redirect("commerce:cart")


def _own_order(request: HttpRequest, public_id: str) -> Order:
    """The reader's own order; anyone else's is not found (not even that it exists)."""
    if not request.user.is_authenticated:
        raise Http404("No such order")
    return get_object_or_404(Order, public_id=public_id, user=request.user)


@never_cache
@login_required
def order_return(request: HttpRequest, public_id: str) -> HttpResponse:
    """Back from the payment page: on to the article once paid, else wait for the notice."""
    order = _own_order(request, public_id)
    if order.status == OrderStatus.PAID:
        cart.clear(request)
        messages.success(
            request,
            f"Thank you: order {order.public_id} is paid. Your receipt "
            f"is on its way to {order.email}.",
        )
        return redirect(same_site_path(request, order.return_path, reverse("access:my_access")))
    return render(request, "commerce/order_return.html", {"order": order})


@login_required
def invoice(request: HttpRequest, public_id: str) -> HttpResponse:
    order = _own_order(request, public_id)
    if not order.invoice_number:
        raise Http404("This order has no invoice yet: it is not paid.")
    response = HttpResponse(render_invoice(order), content_type="text/html; charset=utf-8")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{order.invoice_number}.html"'
    return response


@csrf_exempt
@require_POST
def notify(request: HttpRequest, provider: str) -> HttpResponse:
    """The payment provider's webhook: a signed notification on the raw body."""
    status, message = services.receive_notification(provider, request.body, request.headers)
    return HttpResponse(message, status=status, content_type="text/plain")
