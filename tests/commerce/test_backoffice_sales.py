"""Staff see orders and sales per month; readers see none of it."""

import pytest
from django.urls import reverse

from masthead.commerce.models import Order
from tests.commerce.shop import buy

pytestmark = pytest.mark.django_db


def test_staff_see_sales_per_month_and_orders(client, admin_client, seller, make_article):
    buy(client, make_article(), country="DE")
    order = Order.objects.get()
    page = admin_client.get(reverse("sales_admin:overview")).content.decode()
    assert "USD 53.00" in page and "USD 3.71" in page and "USD 56.71" in page  # net, tax, gross
    assert order.public_id in page
    detail = admin_client.get(reverse("sales_admin:order", args=[order.public_id])).content.decode()
    assert "VAT 7% (DE)" in detail and "Refund and end access" in detail
    assert "fulfilled" in detail  # the notification that paid it


def test_the_status_filter_narrows_the_orders(client, admin_client, seller, make_article):
    order = buy(client, make_article(), country="GB")
    refunded = admin_client.get(reverse("sales_admin:overview"), {"status": "refunded"})
    assert order.public_id not in refunded.content.decode()


def test_readers_cannot_see_the_sales_pages(client, seller, make_article):
    order = buy(client, make_article(), country="GB")
    for url in (
        reverse("sales_admin:overview"),
        reverse("sales_admin:order", args=[order.public_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_a_refunded_order_is_counted_apart_as_on_the_dashboard(
    client, admin_client, seller, make_article
):
    from lxml import html

    from masthead.commerce.models import OrderStatus

    buy(client, make_article(), country="DE")
    Order.objects.update(status=OrderStatus.REFUNDED)
    page = admin_client.get(reverse("sales_admin:overview")).content
    [row] = html.fromstring(page).xpath('//section[@aria-labelledby="months-heading"]//tbody/tr')
    cells = [" ".join(c.text_content().split()) for c in row.xpath("td")]
    assert cells == ["USD", "0", "USD 0.00", "USD 0.00", "USD 0.00", "1 (USD 56.71)"]
