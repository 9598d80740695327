"""My access (grants, time left, institutions) and the account pages' outline and labels."""

import datetime
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from masthead.access import account_views, accounts
from masthead.access.models import Grant, Institution
from masthead.access.sessions import SESSION_KEY

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.access.account_test_urls")]

PASSWORD = "correct horse battery staple 9"
UTC = datetime.UTC


@pytest.fixture
def reader(db):
    return accounts.create_reader("reader@example.org", PASSWORD)


# ---------------------------------------------------------------- time left (pure)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (datetime.timedelta(hours=47, minutes=59), "1 day 23 hours left"),
        (datetime.timedelta(days=2), "2 days left"),
        (datetime.timedelta(days=30, hours=1), "30 days 1 hour left"),
        (datetime.timedelta(hours=5, minutes=10, seconds=59), "5 hours 10 minutes left"),
        (datetime.timedelta(hours=1), "1 hour left"),
        (datetime.timedelta(minutes=45, seconds=30), "expires in 45 minutes"),
        (datetime.timedelta(minutes=1), "expires in 1 minute"),
        (datetime.timedelta(seconds=20), "expires in less than a minute"),
        (datetime.timedelta(0), "expired"),
    ],
)
def test_time_left(delta, text):
    now = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    assert accounts.time_left(now + delta, now) == text


def test_starts_in():
    now = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    assert accounts.starts_in(now + datetime.timedelta(days=1, hours=2), now) == (
        "starts in 1 day 2 hours"
    )
    assert accounts.starts_in(now + datetime.timedelta(minutes=5), now) == "starts in 5 minutes"


# ---------------------------------------------------------------- My access


def section(page: str, heading: str, next_heading: str) -> str:
    start = page.index(f">{heading}</h2>")
    return page[start : page.index(f">{next_heading}</h2>", start)]


def test_my_access_lists_grants_with_time_left(client, reader, make_article, issue, journal):
    now = timezone.now()
    current = make_article(title="A current article")
    soon = make_article(title="An article nearly over")
    old = make_article(title="An old article")
    hours, minutes = datetime.timedelta(hours=1), datetime.timedelta(minutes=1)
    Grant.objects.create(
        user=reader, article=current, starts_at=now - hours, ends_at=now + 47 * hours + 30 * minutes
    )
    Grant.objects.create(
        user=reader, article=soon, starts_at=now - hours, ends_at=now + 45.6 * minutes
    )
    Grant.objects.create(user=reader, issue=issue, starts_at=now - hours, ends_at=now + 48 * hours)
    Grant.objects.create(user=reader, article=old, starts_at=now - 72 * hours, ends_at=now - hours)
    Grant.objects.create(
        user=reader, journal=journal, starts_at=now + 26 * hours, ends_at=now + 500 * hours
    )
    other = get_user_model().objects.create_user("other@example.org", "other@example.org", "x")
    secret = make_article(title="Somebody else's article")
    Grant.objects.create(user=other, article=secret, starts_at=now - hours, ends_at=now + hours)

    client.force_login(reader)
    page = client.get("/my-access").content.decode()
    active = section(page, "Current access", "Institutional access")
    expired = section(page, "Expired access", "Account")

    assert "A current article" in active and "1 day 23 hours left" in active
    assert f'href="{current.get_absolute_url()}"' in active
    assert "An article nearly over" in active and "expires in 45 minutes" in active
    assert f'href="{issue.get_absolute_url()}"' in active and "Volume 31, Issue 4" in active
    assert "Not started yet" in active and "starts in 1 day 1 hour" in active
    assert f'href="{journal.get_absolute_url()}"' in active
    assert "An old article" not in active
    assert "An old article" in expired and f'href="{old.get_absolute_url()}"' in expired
    assert "A current article" not in expired
    assert "Somebody else" not in page


def test_my_access_with_nothing(client, reader):
    client.force_login(reader)
    page = client.get("/my-access").content.decode()
    assert "You have no current access" in page
    assert "No institution provides your access" in page


def test_my_access_names_the_readers_institutions(client, reader):
    member = Institution.objects.create(name="University of Examples")
    Institution.objects.create(name="Not My College")
    client.force_login(reader)
    session = client.session
    session[SESSION_KEY] = [member.pk]
    session.save()
    page = client.get("/my-access").content.decode()
    assert "University of Examples" in page
    assert "Not My College" not in page


def test_my_access_says_on_campus(reader, settings):
    from masthead.access.models import IPRange

    settings.MASTHEAD_TRUSTED_PROXIES = ["127.0.0.1"]
    campus = Institution.objects.create(name="Campus University")
    IPRange.objects.create(institution=campus, text="198.51.100.0/24")
    request = RequestFactory().get("/my-access", HTTP_X_FORWARDED_FOR="198.51.100.20")
    request.user = reader
    request.session = SessionStore()
    page = account_views.my_access_view(request).content.decode()
    assert "On campus: <strong>Campus University</strong>" in page


# ---------------------------------------------------------------- outline and labels


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.inputs: list[dict] = []
        self.label_for: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {
            "hidden",
            "submit",
            "button",
        }:
            self.inputs.append(attrs)
        if tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])


@pytest.mark.parametrize(
    ("url", "logged_in"),
    [
        ("/login/", False),
        ("/register/", False),
        ("/password-reset/", False),
        ("/password-reset/done/", False),
        ("/password-reset/complete/", False),
        ("/password-reset/MQ/bad-token/", False),
        ("/verify-email/bad/", False),
        ("/my-access", True),
        ("/password-change/", True),
        ("/password-change/done/", True),
    ],
)
def test_pages_have_one_h1_ordered_headings_and_labels(
    client, reader, make_article, url, logged_in
):
    now = timezone.now()
    Grant.objects.create(
        user=reader,
        article=make_article(),
        starts_at=now,
        ends_at=now + datetime.timedelta(days=1),
    )
    if logged_in:
        client.force_login(reader)
    response = client.get(url)
    assert response.status_code in {200, 400}
    page = Page()
    page.feed(response.content.decode())
    assert page.headings.count(1) == 1 and page.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
    for field in page.inputs:
        assert field.get("id") in page.label_for, field


def test_form_errors_are_tied_to_their_fields(client):
    response = client.post(
        "/register/", {"email": "x@example.org", "password1": "short", "password2": "short"}
    )
    page = response.content.decode()
    assert 'aria-invalid="true"' in page
    assert "id_password1_error" in page
