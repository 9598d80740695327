"""Exactly once under real parallelism, on PostgreSQL: payment notifications delivered many
times at the same instant, and a checkout button clicked many times at once.

Each delivery or click is its own process (forked, so each has its own database
connection and its own transaction), started together behind a barrier, going through
Django's whole stack with the test Client: what a provider retrying its webhook, or
sending two events for one payment, or a reader double-clicking, does to the shop. The
parent closes its connections before forking so no child shares its socket; the
database is `transactional_db`, so what the parent wrote is committed and the children
see it, and what they write the parent sees.

SQLite serialises writers, so it proves nothing here: these tests need PostgreSQL
(DATABASE_URL=postgresql://...).
"""

import json
import multiprocessing
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from masthead.access.models import Grant
from masthead.commerce import signing
from masthead.commerce.models import (
    DemoPayment,
    Notification,
    Order,
    OrderLine,
    Payment,
    Seller,
)
from masthead.commerce.providers import demo
from masthead.commerce.tax_rates import load_rates
from tests.commerce.shop import add_to_cart, checkout

pytestmark = pytest.mark.django_db(transaction=True)

DELIVERIES = 20
CLICKS = 10
TIMEOUT = 120  # seconds a child may take; a hang fails the test instead of blocking it


@pytest.fixture(autouse=True)
def _postgresql_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite runs one writer at a time, so parallel requests "
            "cannot race (run with DATABASE_URL=postgresql://...)"
        )
    # A data migration loads the tax rates; an earlier transactional test's flush empties
    # the table, so load the shipped table again.
    load_rates()


# --------------------------------------------------------------------------- processes


def _child(work, job, index, barrier, results) -> None:
    try:
        connection.ensure_connection()  # connect before the start line, not after it
        barrier.wait(timeout=TIMEOUT)
        answer = work(job)
    except BaseException as error:  # noqa: BLE001 - reported to the parent, which fails
        answer = ("error", f"{type(error).__name__}: {error}")
    finally:
        connections.close_all()
    results.put((index, answer))


def in_parallel(work, jobs: list) -> list:
    """work(job) for every job, each in its own forked process, all released at once by a
    barrier; returns the answers in the jobs' order."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(jobs))
    results = context.Queue()
    connections.close_all()  # no child may inherit (and share) the parent's connection
    processes = [
        context.Process(target=_child, args=(work, job, i, barrier, results))
        for i, job in enumerate(jobs)
    ]
    for process in processes:
        process.start()
    try:
        answers = dict(results.get(timeout=TIMEOUT) for _ in processes)
    finally:
        for process in processes:
            process.join(timeout=TIMEOUT)
            if process.is_alive():
                process.kill()
    _wait_for_children_sessions()
    errors = [a for a in answers.values() if isinstance(a, tuple) and a[0] == "error"]
    assert not errors, errors
    return [answers[i] for i in range(len(jobs))]


def _wait_for_children_sessions(seconds: float = 10) -> None:
    """PostgreSQL ends a backend a moment after its client hangs up; wait for the children's
    to go, so the test database can be flushed and dropped after the test."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)


# --------------------------------------------------------------------------- notifications

NOTIFY = reverse("commerce:notify", kwargs={"provider": "demo"})


@pytest.fixture
def pending(client, seller, make_article) -> Order:
    """An order written at checkout, its reader on the demo payment page."""
    add_to_cart(client, make_article())
    response = checkout(client, country="GB")
    assert response.status_code == 302 and "/pay/demo/" in response["Location"]
    return Order.objects.get()


def signed_paid_notice(order: Order, event_id: str) -> tuple[bytes, str]:
    """The demo provider's "paid" notice for the order's payment, signed as it signs."""
    token = DemoPayment.objects.get(order_public_id=order.public_id).token
    body = {
        "id": event_id,
        "type": "payment.paid",
        "order": order.public_id,
        "payment": f"demo_{token}",
        "amount": order.total_minor,
        "currency": order.currency,
    }
    raw = json.dumps(body).encode()
    return raw, signing.signature_header(raw, demo._secret())


def deliver(notice: tuple[bytes, str]) -> tuple[int, str]:
    raw, header = notice
    response = Client().post(
        NOTIFY, raw, content_type="application/json", headers={demo.SIGNATURE_HEADER: header}
    )
    return response.status_code, response.content.decode()


def assert_paid_once(order: Order) -> None:
    order.refresh_from_db()
    assert order.status == "paid"
    assert Order.objects.filter(status="paid").count() == 1
    assert Payment.objects.count() == 1
    assert Payment.objects.get().order_id == order.pk
    assert Grant.objects.count() == 1
    assert OrderLine.objects.get().grant_id == Grant.objects.get().pk
    # One invoice number, taken once from the seller's counter: no gap, no double.
    assert order.invoice_number == "TP-000001"
    assert Seller.objects.get().last_invoice_number == 1


def test_twenty_deliveries_of_one_notice_at_once_grant_once(pending):
    notice = signed_paid_notice(pending, event_id="evt_retried")
    answers = in_parallel(deliver, [notice] * DELIVERIES)
    assert sorted(answers) == [(200, "duplicate")] * (DELIVERIES - 1) + [(200, "fulfilled")]
    assert_paid_once(pending)
    assert Notification.objects.count() == 1


def test_twenty_different_events_of_one_payment_at_once_grant_once(pending):
    """As Stripe sends checkout.session.completed and payment_intent.succeeded (and may
    retry each): distinct event ids, one payment. Each event is recorded; one fulfils."""
    notices = [signed_paid_notice(pending, event_id=f"evt_{n}") for n in range(DELIVERIES)]
    answers = in_parallel(deliver, notices)
    assert sorted(answers) == [(200, "already fulfilled")] * (DELIVERIES - 1) + [(200, "fulfilled")]
    assert_paid_once(pending)
    assert Notification.objects.count() == DELIVERIES
    outcomes = sorted(Notification.objects.values_list("outcome", flat=True))
    assert outcomes == ["already fulfilled"] * (DELIVERIES - 1) + ["fulfilled"]


# --------------------------------------------------------------------------- double clicks

CHECKOUT = reverse("commerce:checkout")


def click_checkout(job: tuple[str, dict]) -> tuple[int, str, str]:
    """One click of "Continue to payment": the checkout form posted with the reader's
    session cookie (every click of one browser sends the same cookie and form)."""
    cookies, data = job
    client = Client()
    for name, value in cookies.items():
        client.cookies[name] = value
    response = client.post(CHECKOUT, data)
    return response.status_code, response.get("Location", ""), response.content.decode()


def checkout_form(client, **fields) -> dict:
    page = client.get(CHECKOUT).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    return {
        "email": "reader@example.org",
        "name": "A Reader",
        "country": "GB",
        "vat_id": "",
        "idempotency_key": key,
        **fields,
    }


def test_ten_parallel_clicks_of_a_logged_in_reader_make_one_order(client, seller, make_article):
    """Through the checkout view, as the browser sends them: the same session, the same
    form with the same idempotency key. One order, one payment page, and every click is
    sent there."""
    reader = get_user_model().objects.create_user(
        "reader@example.org", "reader@example.org", "pw-123456789"
    )
    client.force_login(reader)
    add_to_cart(client, make_article())
    data = checkout_form(client)
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}

    answers = in_parallel(click_checkout, [(cookies, data)] * CLICKS)

    order = Order.objects.get()
    assert order.user == reader and order.idempotency_key == data["idempotency_key"]
    assert OrderLine.objects.count() == 1
    payment = DemoPayment.objects.get()
    assert payment.order_public_id == order.public_id
    pay_url = reverse("commerce:demo_pay", args=[payment.token])
    assert [(status, location) for status, location, _ in answers] == [(302, pay_url)] * CLICKS
    order.refresh_from_db()
    assert order.provider_reference == payment.token


def test_ten_parallel_clicks_of_a_guest_make_one_order_and_one_account(
    client, seller, make_article
):
    """A guest's clicks race to create the account for their e-mail: one click writes
    the account and the order together; the others wait for it and find that order by
    the form's idempotency key. Never two orders or two accounts, and every click, the
    last one the browser shows included, goes on to the same payment page."""
    add_to_cart(client, make_article())
    data = checkout_form(client, email="guest@example.org")
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}

    answers = in_parallel(click_checkout, [(cookies, data)] * CLICKS)

    assert get_user_model().objects.filter(email="guest@example.org").count() == 1
    order = Order.objects.get()
    assert order.user.email == "guest@example.org"
    pay_url = reverse("commerce:demo_pay", args=[DemoPayment.objects.get().token])
    assert [(status, location) for status, location, _ in answers] == [(302, pay_url)] * CLICKS
