"""The unsubscribe link of a sent e-mail: works without a session, GET changes nothing."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client

from masthead.access.accounts import verification_token
from masthead.alerts.models import Subscription
from masthead.alerts.services import send_alerts
from masthead.catalog.models import Issue

pytestmark = pytest.mark.django_db
ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture
def issue_mail(make_article, make_reader, journal):
    """The e-mail of a new issue of Test Journal to a reader, and the reader's alert."""
    make_article()
    send_alerts()  # the first run: the back catalogue
    reader = make_reader()
    subscription = Subscription.objects.create(user=reader, journal=journal)
    new = Issue.objects.create(journal=journal, volume="32", number="1")
    make_article(issue=new, title="<script>alert('x')</script> Fish & <b>Chips</b>")
    send_alerts()
    [message] = mail.outbox
    return message, subscription


def header_path(message) -> str:
    value = message.extra_headers["List-Unsubscribe"]
    assert value.startswith("<http://127.0.0.1:8000/alerts/unsubscribe/") and value.endswith(">")
    return urlsplit(value[1:-1]).path


def test_headers_follow_rfc_8058_and_the_body_has_the_same_link(issue_mail):
    message, _ = issue_mail
    assert message.extra_headers["List-Unsubscribe-Post"] == ONE_CLICK
    link = message.extra_headers["List-Unsubscribe"][1:-1]
    assert link in message.body
    assert f'href="{link}"' in message.alternatives[0][0]
    # And the headers survive into the message a mail server receives.
    raw = message.message().as_string()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw


def test_get_shows_the_alert_and_changes_nothing_post_stops_it(issue_mail):
    message, subscription = issue_mail
    path = header_path(message)
    browser = Client(enforce_csrf_checks=True)  # no session, no cookie, no CSRF token
    page = browser.get(path)
    assert page.status_code == 200
    assert "New issues of" in page.content.decode() and "Test Journal" in page.content.decode()
    assert page["Referrer-Policy"] == "no-referrer"
    assert Subscription.objects.filter(pk=subscription.pk).exists()

    response = browser.post(path, ONE_CLICK, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert "you will get no more of these e-mails" in response.content.decode()
    assert not Subscription.objects.filter(pk=subscription.pk).exists()

    again = browser.post(path, ONE_CLICK, content_type="application/x-www-form-urlencoded")
    assert again.status_code == 200 and "already stopped" in again.content.decode()
    assert "already stopped" in browser.get(path).content.decode()


def test_a_tampered_or_foreign_token_is_refused(issue_mail, client):
    message, subscription = issue_mail
    path = header_path(message)
    token = path.rsplit("/", 1)[1]
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    forged_payload = token.replace(token[2], "x" if token[2] != "x" else "y", 1)
    other_salt = verification_token(subscription.user)  # signed by us, for another purpose
    for bad in (flipped, forged_payload, other_salt, "nonsense", "a:b:c"):
        for method in (client.get, client.post):
            response = method(f"/alerts/unsubscribe/{bad}")
            assert response.status_code == 400
            assert "This unsubscribe link is not valid" in response.content.decode()
    assert Subscription.objects.filter(pk=subscription.pk).exists()


def test_hostile_titles_are_escaped_in_the_html_part(issue_mail):
    message, _ = issue_mail
    html = message.alternatives[0][0]
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Fish &amp; &lt;b&gt;Chips" in html
    assert "<script>" not in html and "<b>Chips" not in html
    assert "<script>alert('x')</script> Fish & <b>Chips</b>" in message.body  # plain text


def test_hostile_citing_work_titles_are_escaped(make_article, make_reader, cite, follow):
    article = make_article(title="A <followed> article")
    follow(make_reader(), article)
    cite(article, title='<img src=x onerror="alert(1)">', container="<i>Evil</i> Review")
    send_alerts()
    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert "<img" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "&lt;i&gt;Evil&lt;/i&gt; Review" in html and "A &lt;followed&gt; article" in html
    assert "\n" not in message.subject


def test_a_digest_link_stops_its_articles_and_an_article_link_only_that_one(
    make_article, make_reader, cite, follow
):
    reader = make_reader()
    first, second, kept = make_article(), make_article(), make_article()
    for article in (first, second, kept):
        follow(reader, article)
    cite(first)
    cite(second)
    send_alerts()
    [message] = mail.outbox
    links = re.findall(r"Stop alerts for this article: (\S+)", message.body)
    assert len(links) == 2
    Client().post(urlsplit(links[0]).path)
    assert set(Subscription.objects.values_list("article_id", flat=True)) == {second.pk, kept.pk}
    Client().post(header_path(message))
    assert set(Subscription.objects.values_list("article_id", flat=True)) == {kept.pk}
