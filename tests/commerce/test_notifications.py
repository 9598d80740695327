"""Payment notifications: only a signed, fresh, matching notice grants access, once;
refunds and disputes end it; reconciliation fulfils a notice that never came."""

import json
import time

import pytest
from django.test import Client
from django.urls import reverse

from masthead.access.models import Grant
from masthead.commerce import services, signing
from masthead.commerce.models import DemoPayment, Notification, Order, OrderStatus
from masthead.commerce.providers import demo
from tests.commerce.shop import add_to_cart, buy, checkout

pytestmark = pytest.mark.django_db

NOTIFY = reverse("commerce:notify", args=["demo"])


@pytest.fixture
def pending(client, seller, make_article):
    """An order written at checkout, its reader now on the payment page."""
    add_to_cart(client, make_article())
    checkout(client, country="GB")
    return Order.objects.get()


def paid_notice(order, amount=None, currency=None, event_id="evt_1"):
    return {
        "id": event_id,
        "type": "payment.paid",
        "order": order.public_id,
        "payment": "demo_pay_1",
        "amount": order.total_minor if amount is None else amount,
        "currency": currency or order.currency,
    }


def deliver(body: dict | bytes, secret=None, timestamp=None, client=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    header = signing.signature_header(raw, secret or demo._secret(), timestamp)
    return (client or Client()).post(
        NOTIFY, raw, content_type="application/json", headers={demo.SIGNATURE_HEADER: header}
    )


def test_a_signed_notice_grants_access(pending):
    response = deliver(paid_notice(pending))
    assert response.status_code == 200 and response.content == b"fulfilled"
    pending.refresh_from_db()
    assert pending.status == OrderStatus.PAID and Grant.objects.count() == 1


def test_a_forged_notice_is_refused(pending):
    response = deliver(paid_notice(pending), secret="not-the-secret")
    assert response.status_code == 400 and b"signature" in response.content
    assert Order.objects.get().status == OrderStatus.PENDING and not Grant.objects.exists()


def test_a_notice_changed_after_signing_is_refused(pending):
    raw = json.dumps(paid_notice(pending)).encode()
    header = signing.signature_header(raw, demo._secret())
    tampered = raw.replace(b'"amount": ', b'"amount": 1')
    response = Client().post(
        NOTIFY, tampered, content_type="application/json", headers={demo.SIGNATURE_HEADER: header}
    )
    assert response.status_code == 400 and not Grant.objects.exists()


def test_an_old_notice_replayed_is_refused(pending):
    response = deliver(paid_notice(pending), timestamp=int(time.time()) - 3600)
    assert response.status_code == 400 and b"replay" in response.content
    assert not Grant.objects.exists()


def test_a_notice_for_another_amount_grants_nothing(pending):
    response = deliver(paid_notice(pending, amount=1))
    assert response.status_code == 400
    assert Order.objects.get().status == OrderStatus.PENDING and not Grant.objects.exists()
    assert Notification.objects.get().outcome.startswith("rejected")


def test_a_notice_in_another_currency_grants_nothing(pending):
    assert deliver(paid_notice(pending, currency="JPY")).status_code == 400
    assert not Grant.objects.exists()


def test_the_same_notice_twice_grants_once(pending):
    assert deliver(paid_notice(pending)).content == b"fulfilled"
    assert deliver(paid_notice(pending)).content == b"duplicate"
    assert Grant.objects.count() == 1


def test_two_notices_of_one_payment_grant_once(pending):
    deliver(paid_notice(pending, event_id="evt_session_completed"))
    second = deliver(paid_notice(pending, event_id="evt_intent_succeeded"))
    assert second.content == b"already fulfilled" and Grant.objects.count() == 1


def test_a_notice_for_an_unknown_order_changes_nothing(pending):
    body = paid_notice(pending) | {"order": "MHNOSUCHORDER"}
    assert deliver(body).content.startswith(b"ignored")
    assert not Grant.objects.exists()


def test_malformed_notices_are_clear_errors(pending):
    assert deliver(b"not json").status_code == 400
    assert deliver({"id": "x"}).status_code == 400
    assert Client().get(NOTIFY).status_code == 405


def test_a_refund_notice_ends_access(pending):
    deliver(paid_notice(pending))
    refund = paid_notice(pending, event_id="evt_refund") | {"type": "payment.refunded"}
    assert deliver(refund).content == b"ended"
    pending.refresh_from_db()
    assert pending.status == OrderStatus.REFUNDED
    grant = Grant.objects.get()
    assert grant.ends_at <= pending.ended_at


def test_a_dispute_notice_ends_access(pending):
    deliver(paid_notice(pending))
    dispute = paid_notice(pending, event_id="evt_dispute") | {"type": "payment.disputed"}
    deliver(dispute)
    assert Order.objects.get().status == OrderStatus.DISPUTED


def test_staff_refund_returns_the_money_and_ends_access(client, seller, make_article, admin_client):
    article = make_article(body_html="<p>The whole text.</p>")
    order = buy(client, article, country="GB")
    response = admin_client.post(reverse("sales_admin:refund", args=[order.public_id]))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert DemoPayment.objects.get().status == "refunded"
    page = client.get(reverse("reader:full_text", args=[article.doi])).content.decode()
    assert "The whole text." not in page


def test_readers_cannot_refund(client, seller, make_article):
    order = buy(client, make_article(), country="GB")
    response = client.post(reverse("sales_admin:refund", args=[order.public_id]))
    assert response.status_code == 302 and "/login" in response["Location"]
    assert Order.objects.get().status == OrderStatus.PAID


def test_reconciliation_fulfils_a_payment_whose_notice_never_came(pending):
    payment = DemoPayment.objects.get()
    demo.pay(payment.token, demo.SUCCEEDING_CARD)  # paid, but the notice is lost
    assert Order.objects.get().status == OrderStatus.PENDING
    result = services.reconcile()
    assert result.fulfilled_late == 1
    assert Order.objects.get().status == OrderStatus.PAID and Grant.objects.count() == 1
    assert services.reconcile().fulfilled_late == 0  # and only once


def test_reconciliation_repairs_a_paid_order_without_grants(pending):
    deliver(paid_notice(pending))
    Grant.objects.all().delete()
    assert services.reconcile().grants_repaired == 1
    assert Grant.objects.count() == 1
