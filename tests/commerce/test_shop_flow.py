"""A reader without access buys, pays with the demo provider, and reads; the shop
refuses what it must (forged prices, quantities, other people's orders, CSRF)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masthead.access.models import Grant
from masthead.commerce.models import Offer, OfferKind, Order, OrderStatus
from tests.commerce.shop import add_to_cart, buy, checkout, offer_id, pay

pytestmark = pytest.mark.django_db


def full_text_of(article) -> str:
    return reverse("reader:full_text", args=[article.doi])


def test_the_article_page_sells_both_offers(client, seller, make_article):
    page = client.get(make_article().get_absolute_url()).content.decode()
    assert page.count("Add to cart") == 2
    assert "USD 53.00" in page and "USD 577.00" in page
    assert 'name="csrfmiddlewaretoken" value="masthead' not in page  # a real token


def test_cart_shows_the_tax_of_the_chosen_country(client, seller, make_article):
    article = make_article()
    add_to_cart(client, article)
    german = client.get(reverse("commerce:cart"), {"country": "DE"}).content.decode()
    assert "VAT 7% (DE)" in german and "USD 3.71" in german and "USD 56.71" in german
    british = client.get(reverse("commerce:cart"), {"country": "GB"}).content.decode()
    assert "Zero-rated" in british and "USD 53.00" in british
    assert "Cart (1)" in british


def test_guest_buys_pays_and_reads(
    client, seller, make_article, django_capture_on_commit_callbacks
):
    article = make_article(body_html="<p>The whole text.</p>")
    assert client.get(full_text_of(article)).status_code == 200
    assert "Add to cart" in client.get(full_text_of(article)).content.decode()  # denied
    add_to_cart(client, article)
    response = checkout(client, email="New.Reader@Example.org", country="DE")
    assert response.status_code == 302 and "/pay/demo/" in response["Location"]
    order = Order.objects.get()
    assert (order.status, order.total_minor, order.tax_minor) == (OrderStatus.PENDING, 5671, 371)
    with django_capture_on_commit_callbacks(execute=True):  # the receipt goes after commit
        back = pay(client, response)
    assert back["Location"] == reverse("commerce:order_return", args=[order.public_id])
    landing = client.get(back["Location"])
    assert landing["Location"] == article.get_absolute_url()  # back on the article
    page = client.get(article.get_absolute_url()).content.decode()
    assert "You have purchased access" in page and "hours left" in page
    assert "The whole text." in client.get(full_text_of(article)).content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.invoice_number == "TP-000001"
    user = get_user_model().objects.get(username="new.reader@example.org")
    assert order.user == user
    grant = Grant.objects.get(user=user)
    assert grant.ends_at - grant.starts_at == datetime.timedelta(hours=48)
    receipt = next(m for m in mail.outbox if "receipt" in m.subject.lower())
    assert receipt.to == ["new.reader@example.org"] and "Total paid: USD 56.71" in receipt.body
    assert receipt.attachments[0][0] == "TP-000001.html"


def test_access_ends_when_the_grant_does(client, seller, make_article):
    article = make_article(body_html="<p>The whole text.</p>")
    buy(client, article)
    grant = Grant.objects.get()
    Grant.objects.filter(pk=grant.pk).update(ends_at=timezone.now() - datetime.timedelta(seconds=1))
    page = client.get(full_text_of(article)).content.decode()
    assert "The whole text." not in page and "Add to cart" in page


def test_an_issue_purchase_opens_articles_added_later(client, seller, make_article):
    first = make_article()
    order = buy(client, first, kind="issue", country="GB")
    assert order.total_minor == 57700
    later = make_article(body_html="<p>Added after the sale.</p>")
    assert "Added after the sale." in client.get(full_text_of(later)).content.decode()


def test_receipt_is_downloadable_from_my_access_and_only_by_its_buyer(client, seller, make_article):
    order = buy(client, make_article(), country="FR", vat_id="FR40303265045")
    my_access = client.get(reverse("access:my_access")).content.decode()
    assert order.invoice_number in my_access
    invoice = client.get(reverse("commerce:invoice", args=[order.public_id]), {"download": 1})
    assert invoice["Content-Disposition"].startswith("attachment")
    text = invoice.content.decode()
    assert "Test Press Ltd" in text and "FR40303265045" in text and "Reverse charge" in text
    stranger = Client()
    stranger.force_login(get_user_model().objects.create_user("other@example.org"))
    assert stranger.get(reverse("commerce:invoice", args=[order.public_id])).status_code == 404
    assert stranger.get(reverse("commerce:order_return", args=[order.public_id])).status_code == 404


def test_a_known_email_must_log_in_first(client, seller, make_article):
    get_user_model().objects.create_user("known@example.org", "known@example.org", "pw-123456789")
    add_to_cart(client, make_article())
    response = checkout(client, email="known@example.org")
    assert response.status_code == 200 and "please log in" in response.content.decode()
    assert not Order.objects.exists()


def test_double_clicked_pay_gives_one_order(client, seller, make_article):
    add_to_cart(client, make_article())
    first = checkout(client, key="same-key-twice")
    second = checkout(client, key="same-key-twice")
    assert first["Location"] == second["Location"]
    pay(client, first)
    pay(client, second)
    assert Order.objects.count() == 1 and Grant.objects.count() == 1


def test_the_price_comes_from_the_offer_not_the_form(client, seller, make_article, journal):
    article = make_article()
    add_to_cart(client, article, amount_minor=1, price="0.01")
    checkout(client, country="GB", amount_minor=1)
    assert Order.objects.get().total_minor == 5300


def test_an_offer_of_another_article_is_refused(client, seller, make_article, journal):
    cheap = make_article()
    Offer.objects.create(
        journal=journal,
        article=cheap,
        kind=OfferKind.ARTICLE,
        currency="USD",
        amount_minor=100,
        access_hours=48,
    )
    dear = make_article()
    response = client.post(
        reverse("commerce:cart_add"), {"offer": offer_id(cheap), "article": dear.pk}, follow=True
    )
    assert "not available for this article" in response.content.decode()
    assert client.session.get("masthead_cart", []) == []


@pytest.mark.parametrize("quantity", ["0", "-1", "2", "1.5"])
def test_quantities_other_than_one_are_refused(client, seller, make_article, quantity):
    response = add_to_cart(client, make_article(), quantity=quantity)
    assert response.status_code == 400
    assert client.session.get("masthead_cart", []) == []


def test_cart_and_checkout_need_the_csrf_token(seller, make_article):
    article = make_article()
    client = Client(enforce_csrf_checks=True)
    forged = client.post(
        reverse("commerce:cart_add"), {"offer": offer_id(article), "article": article.pk}
    )
    assert forged.status_code == 403
    forged = client.post(reverse("commerce:checkout"), {"email": "x@example.org", "country": "DE"})
    assert forged.status_code == 403


def test_the_cached_article_box_gets_each_reader_their_own_token(seller, make_article):
    article = make_article()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for reader in (first, second):
        page = reader.get(article.get_absolute_url()).content.decode()
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        added = reader.post(
            reverse("commerce:cart_add"),
            {"offer": offer_id(article), "article": article.pk, "csrfmiddlewaretoken": token},
        )
        assert added.status_code == 302


def test_a_declined_card_grants_nothing(client, seller, make_article):
    add_to_cart(client, make_article())
    response = checkout(client)
    declined = pay(client, response, card="4000 0000 0000 0002")
    assert declined.status_code == 402 and "declined" in declined.content.decode()
    assert Order.objects.get().status == OrderStatus.PENDING and not Grant.objects.exists()


def test_conflicting_evidence_asks_the_buyer(client, seller, make_article):
    add_to_cart(client, make_article())
    response = checkout(client, country="FR", REMOTE_ADDR="8.8.8.8")  # a US address
    assert response.status_code == 200 and "differ" in response.content.decode()
    assert not Order.objects.exists()


def test_an_invalid_vat_id_is_a_clear_error(client, seller, make_article):
    add_to_cart(client, make_article())
    response = checkout(client, country="DE", vat_id="DE123")
    assert response.status_code == 200 and "not a valid VAT number" in response.content.decode()
