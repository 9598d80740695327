"""StripeProvider against Stripe's side of the wire.

Payments, declines and webhook signatures run against localstripe (a Stripe-compatible
server from PyPI) on loopback, driven by the official `stripe` library. localstripe has
no Checkout Sessions, no disputes and ignores idempotency keys: for those the tests
replay payloads recorded from Stripe's API reference (tests/commerce/recorded/) from a
local server standing in for api.stripe.com, which also keeps what we sent it.
"""

import json
import threading
import time
import urllib.parse
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import stripe
from django.contrib.auth import get_user_model
from django.http.request import HttpHeaders
from django.urls import reverse

from masthead.access.models import Grant
from masthead.commerce import signing
from masthead.commerce.models import Notification, Order, OrderLine, Payment, Seller
from masthead.commerce.providers import (
    CheckoutStart,
    ProviderError,
    SignatureError,
    get_provider,
)
from masthead.commerce.providers.stripe import (
    NETWORK_RETRIES,
    NOT_SET_UP,
    REFUSED,
    UNREACHABLE,
    WRONG_AMOUNT,
    StripeProvider,
)
from tests.commerce.localstripe import free_port, localstripe, point_webhook  # noqa: F401

RECORDED = Path(__file__).parent / "recorded"
SECRET = "whsec_masthead_test"
API_KEY = "sk_test_masthead"
DEADLINE = 30  # seconds to wait for a webhook; localstripe sleeps ~1 s before sending
GOOD_CARD, DECLINED_CARD, DECLINED_AT_CHARGE = (
    "4242424242424242",
    "4000000000000002",
    "4000000000000341",
)


def recorded(name: str) -> dict:
    return json.loads((RECORDED / name).read_text())


# --- Servers of our own on loopback -------------------------------------------------------


class Server:
    """A small HTTP server in a thread; each request is kept, and `answer` replies."""

    def __init__(self):
        self.requests: list[dict] = []
        self.arrived = threading.Condition()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server._handle(self, b"")

            def do_POST(self):
                server._handle(self, self.rfile.read(int(self.headers["Content-Length"] or 0)))

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def _handle(self, handler, body: bytes) -> None:
        request = {
            "method": handler.command,
            "path": handler.path,
            "headers": dict(handler.headers.items()),
            "body": body,
        }
        status, payload = self.answer(request)
        with self.arrived:  # kept before answering: the caller may look as soon as it hears
            self.requests.append(request)
            self.arrived.notify_all()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def answer(self, request: dict) -> tuple[int, bytes]:
        return 200, b"{}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Receiver(Server):
    """Our webhook endpoint for localstripe: keeps each event's raw body and headers."""

    def wait_for(self, match) -> tuple[dict, bytes]:
        """The first delivered event `match(event)` accepts, waiting up to DEADLINE."""
        end = time.monotonic() + DEADLINE
        with self.arrived:
            while True:
                for request in self.requests:
                    if match(json.loads(request["body"])):
                        return request["headers"], request["body"]
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no such event within {DEADLINE} s")
                self.arrived.wait(left)

    def events(self) -> list[dict]:
        with self.arrived:
            return [json.loads(r["body"]) for r in self.requests]


class StandIn(Server):
    """Stands in for api.stripe.com: answers (method, path) from `routes`, else Stripe's 404."""

    def __init__(self):
        self.routes: dict[tuple[str, str], tuple[int, dict]] = {}
        super().__init__()

    def answer(self, request):
        path = urllib.parse.urlsplit(request["path"]).path
        status, payload = self.routes.get(
            (request["method"], path),
            (404, {"error": {"type": "invalid_request_error", "message": "No such resource"}}),
        )
        return status, json.dumps(payload).encode()

    def form(self, i: int = -1) -> dict[str, str]:
        """The i-th request's form body, flat as Stripe's library encodes it."""
        return dict(urllib.parse.parse_qsl(self.requests[i]["body"].decode()))

    def header(self, name: str, i: int = -1) -> str | None:
        headers = {k.lower(): v for k, v in self.requests[i]["headers"].items()}
        return headers.get(name.lower())


@pytest.fixture
def webhook(localstripe, settings):  # noqa: F811
    """localstripe's events, signed with SECRET, sent to a Receiver; our secret is SECRET."""
    receiver = Receiver()
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    point_webhook(localstripe, f"{receiver.url}/stripe", SECRET)
    yield receiver
    receiver.close()


@pytest.fixture
def secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET


@pytest.fixture
def stand_in(settings):
    server = StandIn()
    settings.STRIPE_API_BASE = server.url
    settings.STRIPE_SECRET_KEY = API_KEY
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    yield server
    server.close()


# --- Test-only helpers: paying on localstripe, and our orders -----------------------------


def stripe_client(base: str) -> stripe.StripeClient:
    return stripe.StripeClient(API_KEY, base_addresses={"api": base})


def card(client: stripe.StripeClient, number: str):
    details = {"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"}
    return client.v1.payment_methods.create({"type": "card", "card": details})


def pay(client, order_id: str, amount: int, currency: str, number: str = GOOD_CARD):
    """What the reader does on Stripe's page: a card, an intent for our order, confirmed."""
    method = card(client, number)
    intent = client.v1.payment_intents.create(
        {
            "amount": amount,
            "currency": currency.lower(),
            "payment_method": method.id,
            "metadata": {"order": order_id},
        }
    )
    return client.v1.payment_intents.confirm(intent.id)


def is_event(event_type: str, order_id: str):
    def match(event):
        obj = event["data"]["object"]
        return event["type"] == event_type and obj.get("metadata", {}).get("order") == order_id

    return match


def make_order(journal, issue, article, public_id: str | None = None, with_issue: bool = True):
    """An order as checkout writes it: the article (48 h) and, optionally, its issue; EUR."""
    user = get_user_model().objects.create_user(f"reader-{uuid.uuid4().hex[:8]}", password="x")
    seller, _ = Seller.objects.get_or_create(
        publisher=journal.publisher,
        defaults={"legal_name": "Test Press Ltd", "address": "1 Press Street", "country": "DE"},
    )
    lines = [("article", article, None, "Article: “Test”, Test Journal (48 hours)", 5300, 1007, 48)]
    if with_issue:
        lines.append(
            ("issue", None, issue, "Issue: Test Journal 31(4) (30 days)", 57700, 10963, 720)
        )
    order = Order.objects.create(
        public_id=public_id or f"T{uuid.uuid4().hex[:11].upper()}",
        idempotency_key=uuid.uuid4().hex,
        user=user,
        seller=seller,
        email="reader@example.org",
        billing_country="DE",
        tax_country="DE",
        currency="EUR",
        subtotal_minor=sum(line[4] for line in lines),
        tax_minor=sum(line[5] for line in lines),
        total_minor=sum(line[4] + line[5] for line in lines),
        provider="stripe",
    )
    for kind, art, iss, description, net, tax, hours in lines:
        OrderLine.objects.create(
            order=order, kind=kind, article=art, issue=iss, description=description,
            net_minor=net, tax_rate_bp=1900, tax_minor=tax, access_hours=hours,
        )  # fmt: skip
    return order


@pytest.fixture
def order(journal, issue, make_article):
    """The order the recorded payloads were adapted to: 749.70 EUR in two lines."""
    session = recorded("checkout_session.json")
    return make_order(journal, issue, make_article(), public_id=session["client_reference_id"])


def signed(event: dict) -> tuple[bytes, dict]:
    body = json.dumps(event).encode()
    return body, {"Stripe-Signature": signing.signature_header(body, SECRET)}


# --- 1. Against localstripe ---------------------------------------------------------------


def test_the_provider_is_registered_as_stripe():
    assert isinstance(get_provider("stripe"), StripeProvider)
    assert StripeProvider.name == "stripe"


def test_a_card_payment_arrives_signed_and_reads_as_paid(localstripe, webhook):  # noqa: F811
    order_id = f"T{uuid.uuid4().hex[:11].upper()}"
    intent = pay(stripe_client(localstripe), order_id, 6307, "EUR")
    assert intent.status == "succeeded"

    headers, body = webhook.wait_for(is_event("payment_intent.succeeded", order_id))
    event = StripeProvider().parse_notification(body, headers)

    assert event.kind == "paid"
    assert event.event_type == "payment_intent.succeeded"
    assert event.event_id == json.loads(body)["id"]
    assert (event.order_id, event.payment_reference) == (order_id, intent.id)
    assert (event.amount_minor, event.currency) == (6307, "EUR")
    assert event.occurred_at == datetime.fromtimestamp(json.loads(body)["created"], UTC)


def test_a_declined_card_is_refused_and_never_reads_as_paid(localstripe, webhook):  # noqa: F811
    client = stripe_client(localstripe)
    # 4000000000000002, Stripe's generic decline; localstripe declines it on saving the card.
    unpaid = f"T{uuid.uuid4().hex[:11].upper()}"
    customer = client.v1.customers.create({"email": "reader@example.org"})
    intent = client.v1.payment_intents.create(
        {"amount": 6307, "currency": "eur", "customer": customer.id, "metadata": {"order": unpaid}}
    )
    with pytest.raises(stripe.CardError) as declined:
        client.v1.payment_methods.attach(card(client, DECLINED_CARD).id, {"customer": customer.id})
    assert declined.value.code == "card_declined"
    assert client.v1.payment_intents.retrieve(intent.id).status == "requires_payment_method"

    # 4000000000000341 is taken, then declined at the charge: Stripe says so, signed.
    failed = f"T{uuid.uuid4().hex[:11].upper()}"
    with pytest.raises(stripe.CardError) as declined:
        pay(client, failed, 6307, "EUR", DECLINED_AT_CHARGE)
    assert declined.value.code == "card_declined"
    headers, body = webhook.wait_for(is_event("payment_intent.payment_failed", failed))
    event = StripeProvider().parse_notification(body, headers)
    assert (event.kind, event.order_id, event.amount_minor, event.currency) == (
        "failed", failed, 6307, "EUR",
    )  # fmt: skip

    # A good payment made after both: once its event is in, nothing paid either of them.
    later = f"T{uuid.uuid4().hex[:11].upper()}"
    pay(client, later, 100, "EUR")
    webhook.wait_for(is_event("payment_intent.succeeded", later))
    paid = [is_event("payment_intent.succeeded", o) for o in (unpaid, failed)]
    assert not [e for e in webhook.events() if any(m(e) for m in paid)]


def test_localstripe_signatures_verify_and_a_changed_one_does_not(
    localstripe,  # noqa: F811
    webhook,
    settings,
):
    order_id = f"T{uuid.uuid4().hex[:11].upper()}"
    pay(stripe_client(localstripe), order_id, 6307, "EUR")
    headers, body = webhook.wait_for(is_event("payment_intent.succeeded", order_id))
    header = headers["Stripe-Signature"]
    created = json.loads(body)["created"]
    provider = StripeProvider()

    assert signing.verify(body, header, SECRET) == created
    assert provider.parse_notification(body, headers).order_id == order_id

    middle = body.index(b'"amount"') + len(b'"amount": ')
    changed = body[:middle] + b"9" + body[middle + 1 :]  # one byte: a different amount
    with pytest.raises(SignatureError):
        provider.parse_notification(changed, headers)
    with pytest.raises(SignatureError):
        provider.parse_notification(body, {})
    with pytest.raises(SignatureError, match="tolerance"):  # the same delivery, replayed later
        signing.verify(body, header, SECRET, now=created + signing.TOLERANCE_SECONDS + 1)
    settings.STRIPE_WEBHOOK_SECRET = "whsec_someone_else"
    with pytest.raises(SignatureError):
        provider.parse_notification(body, headers)


# --- 2. Recorded Stripe payloads, replayed at the HTTP boundary ---------------------------


def test_start_checkout_asks_stripe_for_the_order_under_its_idempotency_key(stand_in, order):
    """Replays Stripe's documented Checkout Session (localstripe has none). A double-clicked
    Pay sends the same request under the same Idempotency-Key, which Stripe answers with
    the session it made the first time."""
    session = recorded("checkout_session.json")
    stand_in.routes[("POST", "/v1/checkout/sessions")] = (200, session)
    success = (
        f"http://testserver/orders/{order.public_id}/return?session_id={{CHECKOUT_SESSION_ID}}"
    )
    cancel = "http://testserver/cart"

    first = StripeProvider().start_checkout(order, success, cancel)
    again = StripeProvider().start_checkout(order, success, cancel)

    assert first == again == CheckoutStart(redirect_url=session["url"], reference=session["id"])
    assert len(stand_in.requests) == 2
    assert stand_in.form(0) == stand_in.form(1)
    assert stand_in.header("Idempotency-Key", 0) == order.idempotency_key
    assert stand_in.header("Idempotency-Key", 1) == order.idempotency_key
    assert stand_in.header("Authorization") == f"Bearer {API_KEY}"
    assert stand_in.requests[0]["path"] == "/v1/checkout/sessions"
    assert stand_in.form() == {
        "mode": "payment",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "eur",
        "line_items[0][price_data][unit_amount]": "6307",
        "line_items[0][price_data][product_data][name]": "Article: “Test”, Test Journal (48 hours)",
        "line_items[1][quantity]": "1",
        "line_items[1][price_data][currency]": "eur",
        "line_items[1][price_data][unit_amount]": "68663",
        "line_items[1][price_data][product_data][name]": "Issue: Test Journal 31(4) (30 days)",
        "customer_email": "reader@example.org",
        "client_reference_id": order.public_id,
        "metadata[order]": order.public_id,
        "payment_intent_data[metadata][order]": order.public_id,
        "success_url": success,
        "cancel_url": cancel,
    }


@pytest.mark.parametrize("change", [{"amount_total": 6307}, {"currency": "usd"}])
def test_a_session_for_another_amount_is_refused(stand_in, order, change):
    stand_in.routes[("POST", "/v1/checkout/sessions")] = (
        200, {**recorded("checkout_session.json"), **change},
    )  # fmt: skip
    with pytest.raises(ProviderError, match=WRONG_AMOUNT):
        StripeProvider().start_checkout(order, "http://testserver/ok", "http://testserver/no")


def test_when_stripe_fails_the_reader_is_told_in_words(stand_in, order, settings):
    provider = StripeProvider()
    start = (order, "http://testserver/ok", "http://testserver/no")

    # A server error: retried a few times under the same key, then a readable refusal.
    stand_in.routes[("POST", "/v1/checkout/sessions")] = (
        500, {"error": {"type": "api_error", "message": "Something went wrong on Stripe's end."}},
    )  # fmt: skip
    with pytest.raises(ProviderError) as refused:
        provider.start_checkout(*start)
    assert str(refused.value) == REFUSED
    assert len(stand_in.requests) == 1 + NETWORK_RETRIES
    assert {stand_in.header("Idempotency-Key", i) for i in range(len(stand_in.requests))} == {
        order.idempotency_key
    }

    stand_in.routes[("POST", "/v1/checkout/sessions")] = (
        401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}},
    )  # fmt: skip
    with pytest.raises(ProviderError, match=NOT_SET_UP):
        provider.start_checkout(*start)

    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    with pytest.raises(ProviderError) as unanswered:
        provider.start_checkout(*start)
    assert str(unanswered.value) == UNREACHABLE

    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(ProviderError, match=NOT_SET_UP):
        provider.start_checkout(*start)


def test_a_completed_checkout_reads_as_paid(secret):
    """Stripe's documented checkout.session.completed event, signed as Stripe signs."""
    event = recorded("checkout_session_completed.json")
    session = event["data"]["object"]
    body, headers = signed(event)

    paid = StripeProvider().parse_notification(body, headers)

    assert paid.kind == "paid"
    assert (paid.event_id, paid.event_type) == (event["id"], "checkout.session.completed")
    assert paid.order_id == session["client_reference_id"]
    assert paid.payment_reference == session["payment_intent"]
    assert (paid.amount_minor, paid.currency) == (74970, "EUR")
    assert paid.occurred_at == datetime.fromtimestamp(event["created"], UTC)


def test_a_completed_checkout_not_yet_paid_is_not_acted_on(secret):
    """Delayed methods (a bank debit) complete the session unpaid; payment comes later."""
    event = recorded("checkout_session_completed.json")
    event["data"]["object"]["payment_status"] = "unpaid"
    assert StripeProvider().parse_notification(*signed(event)) is None


def test_the_order_is_found_by_metadata_when_no_client_reference(secret):
    event = recorded("checkout_session_completed.json")
    order_id = event["data"]["object"].pop("client_reference_id")
    assert StripeProvider().parse_notification(*signed(event)).order_id == order_id


def test_a_refund_and_a_dispute_name_the_payment(secret):
    """Stripe's documented charge.refunded and charge.dispute.created events."""
    provider = StripeProvider()
    payment_intent = recorded("checkout_session_completed.json")["data"]["object"]["payment_intent"]

    refunded = provider.parse_notification(*signed(recorded("charge_refunded.json")))
    assert (refunded.kind, refunded.event_type) == ("refunded", "charge.refunded")
    assert (refunded.payment_reference, refunded.order_id) == (payment_intent, "")
    assert (refunded.amount_minor, refunded.currency) == (74970, "EUR")

    disputed = provider.parse_notification(*signed(recorded("charge_dispute_created.json")))
    assert (disputed.kind, disputed.event_type) == ("disputed", "charge.dispute.created")
    assert (disputed.payment_reference, disputed.order_id) == (payment_intent, "")
    assert (disputed.amount_minor, disputed.currency) == (74970, "EUR")

    charge = recorded("charge_refunded.json")
    charge["data"]["object"]["metadata"] = {"order": "7K3QX9TD2P4M"}
    assert provider.parse_notification(*signed(charge)).order_id == "7K3QX9TD2P4M"


def test_other_events_are_acknowledged_and_not_acted_on(secret):
    event = recorded("checkout_session_completed.json")
    event["type"] = "checkout.session.expired"
    assert StripeProvider().parse_notification(*signed(event)) is None


def test_the_signature_header_is_found_however_it_is_spelt(secret):
    body, headers = signed(recorded("charge_refunded.json"))
    value = headers["Stripe-Signature"]
    provider = StripeProvider()
    for spelt in (
        HttpHeaders({"HTTP_STRIPE_SIGNATURE": value}),  # Django's request.headers
        {"stripe-signature": value},
        {"STRIPE-SIGNATURE": value},
    ):
        assert provider.parse_notification(body, spelt).kind == "refunded"


def test_a_signed_body_that_is_not_an_event_is_refused(secret):
    for body in (b"not json", b"[]", b'{"id": "evt_1"}'):
        headers = {"Stripe-Signature": signing.signature_header(body, SECRET)}
        with pytest.raises(SignatureError):
            StripeProvider().parse_notification(body, headers)


def test_lookup_asks_for_the_session_and_reports_a_payment(stand_in, order):
    """Reconciliation of a late notification, against Stripe's documented session."""
    session = recorded("checkout_session_completed.json")["data"]["object"]
    order.provider_reference = session["id"]
    path = f"/v1/checkout/sessions/{session['id']}"
    stand_in.routes[("GET", path)] = (200, session)

    event = StripeProvider().lookup(order)

    assert stand_in.requests[-1]["method"] == "GET"
    assert urllib.parse.urlsplit(stand_in.requests[-1]["path"]).path == path
    assert event.event_id == f"lookup:{session['id']}"
    assert (event.event_type, event.kind) == ("checkout.session.lookup", "paid")
    assert (event.order_id, event.payment_reference) == (order.public_id, session["payment_intent"])
    assert (event.amount_minor, event.currency) == (order.total_minor, order.currency)

    stand_in.routes[("GET", path)] = (200, recorded("checkout_session.json"))  # still open
    assert StripeProvider().lookup(order) is None

    asked = len(stand_in.requests)
    order.provider_reference = ""  # never reached Stripe: nothing to ask
    assert StripeProvider().lookup(order) is None
    assert len(stand_in.requests) == asked


def test_refund_returns_the_payment_once(stand_in, order):
    """Stripe's documented Refund object; localstripe would refund, but ignores the key."""
    payment_intent = recorded("refund.json")["payment_intent"]
    with pytest.raises(ProviderError, match="no payment"):
        StripeProvider().refund(order)
    Payment.objects.create(
        order=order, provider="stripe", reference=payment_intent, amount_minor=74970,
        currency="EUR", received_at=datetime.now(UTC),
    )  # fmt: skip
    stand_in.routes[("POST", "/v1/refunds")] = (200, recorded("refund.json"))

    StripeProvider().refund(order)

    assert stand_in.requests[-1]["path"] == "/v1/refunds"
    assert stand_in.form() == {"payment_intent": payment_intent}
    assert stand_in.header("Idempotency-Key") == f"refund-{order.public_id}"

    already = {
        "type": "invalid_request_error",
        "code": "charge_already_refunded",
        "message": "Charge ch_3PzQk2LkdIwHu7ix1Xy9Zw8v has already been refunded.",
    }
    stand_in.routes[("POST", "/v1/refunds")] = (400, {"error": already})
    with pytest.raises(ProviderError, match="could not make the refund: .* already been refunded"):
        StripeProvider().refund(order)


# --- 3. End to end: localstripe → our webhook endpoint → the order paid, access granted ---


@pytest.mark.django_db(transaction=True)
def test_a_payment_on_stripe_opens_the_article_for_48_hours(
    localstripe,  # noqa: F811
    live_server,
    settings,
    journal,
    issue,
    make_article,
):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    article = make_article()
    order = make_order(journal, issue, article, with_issue=False)
    notify = reverse("commerce:notify", kwargs={"provider": "stripe"})
    assert notify == "/payments/notify/stripe"
    point_webhook(localstripe, live_server.url + notify, SECRET)

    intent = pay(stripe_client(localstripe), order.public_id, order.total_minor, order.currency)

    # Wait for our endpoint to have handled the notice: its Notification row is written last.
    handled = Notification.objects.filter(order=order, event_type="payment_intent.succeeded")
    end = time.monotonic() + DEADLINE
    while not handled.exists():
        assert time.monotonic() < end, f"no notification handled within {DEADLINE} s"
        time.sleep(0.2)
    order.refresh_from_db()
    assert order.status == "paid"
    assert handled.get().outcome == "fulfilled"
    grant = Grant.objects.get(user=order.user, article=article)
    assert grant.ends_at - grant.starts_at == timedelta(hours=48)
    assert grant.starts_at == order.paid_at
    assert Payment.objects.get(order=order).reference == intent.id
