"""Driving the shop as a reader does, through the test client."""

import re

from django.urls import reverse

from masthead.commerce.models import Order
from masthead.commerce.pricing import offers_for_article

ARTICLE, ISSUE = "article", "issue"


def offer_id(article, kind: str = ARTICLE) -> int:
    return next(o.offer_id for o in offers_for_article(article) if o.kind == kind)


def add_to_cart(client, article, kind: str = ARTICLE, **extra):
    data = {"offer": offer_id(article, kind), "article": article.pk, **extra}
    return client.post(reverse("commerce:cart_add"), data)


def checkout(client, email="reader@example.org", country="DE", vat_id="", key=None, **meta):
    """Post the checkout form; returns the response (a redirect to the payment page)."""
    page = client.get(reverse("commerce:checkout"), **meta)
    key = (
        key or re.search(rb'name="idempotency_key" value="([^"]+)"', page.content).group(1).decode()
    )
    data = {
        "email": email,
        "name": "A Reader",
        "country": country,
        "vat_id": vat_id,
        "idempotency_key": key,
    }
    return client.post(reverse("commerce:checkout"), data, **meta)


def pay(client, response, card="4242 4242 4242 4242"):
    """On the demo provider's page (where checkout redirected), pay with a card."""
    return client.post(response["Location"], {"card": card, "action": "pay"})


def buy(client, article, kind: str = ARTICLE, **checkout_args) -> Order:
    add_to_cart(client, article, kind)
    response = checkout(client, **checkout_args)
    assert response.status_code == 302, response.content[:2000]
    pay(client, response)
    return Order.objects.latest("created_at")
