"""The alerts job (`send_alerts`), read through the e-mails it leaves in the outbox."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.access.accounts import mark_email_verified
from masthead.alerts.models import Delivery, Subscription
from masthead.alerts.services import (
    CLAIM_TIMEOUT,
    MAX_ATTEMPTS,
    RunReport,
    plan_new_issues,
    send_alerts,
)
from masthead.catalog.models import Issue, Journal

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def started(make_article):
    """Alerts switched on over a back catalogue of one issue that is out."""
    make_article(title="Back catalogue article")
    report = send_alerts()
    assert report.baseline == 1 and not mail.outbox
    return report


def new_issue(journal, volume="32", number="1") -> Issue:
    return Issue.objects.create(journal=journal, volume=volume, number=number, year=2024)


def html_part(message) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


def test_first_run_records_the_back_catalogue_without_mailing_it(
    make_article, make_reader, journal, issue
):
    make_article()
    Subscription.objects.create(user=make_reader(), journal=journal)
    assert send_alerts().baseline == 1
    assert send_alerts().issues_out == 0
    assert mail.outbox == []


def test_a_new_issue_mails_each_verified_subscriber_once(
    started, make_article, make_reader, journal
):
    readers = [make_reader("a@example.org"), make_reader("b@example.org")]
    unverified = make_reader("unproven@example.org", verified=False)
    closed = make_reader("closed@example.org")
    closed.is_active = False
    closed.save()
    for user in (*readers, unverified, closed):
        Subscription.objects.create(user=user, journal=journal)
    other_journal = Journal.objects.create(publisher=journal.publisher, code="oj", title="Other")
    Subscription.objects.create(user=make_reader("other@example.org"), journal=other_journal)

    issue = new_issue(journal)
    second = make_article(issue=issue, title="Second in order", position=2, authors=4)
    first = make_article(issue=issue, title="First in order", position=1, authors=2)
    make_article(issue=issue, title="Still embargoed", published_online=timezone.localdate() + DAY)
    make_article(issue=issue, title="Not published", is_published=False)

    report = send_alerts()
    assert report.issues_out == 1 and report.sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    message = mail.outbox[0]
    assert message.subject == "New issue of Test Journal: Volume 32, Issue 1"
    text = message.body
    assert text.index("First in order") < text.index("Second in order")
    assert "Given0 Surname0, Given1 Surname1, Given2 Surname2 et al." in text
    assert f"http://127.0.0.1:8000/doi/abs/{first.doi}" in text
    assert "http://127.0.0.1:8000/toc/tj/32/1" in text
    assert "Still embargoed" not in text and "Not published" not in text
    assert second.title in html_part(message)

    mail.outbox.clear()
    assert send_alerts().sent == 0
    call_command("send_alerts")
    assert mail.outbox == []


def test_an_issue_of_embargoed_or_unpublished_articles_is_not_out(
    started, make_article, make_reader, journal
):
    Subscription.objects.create(user=make_reader(), journal=journal)
    issue = new_issue(journal)
    embargoed = make_article(issue=issue, published_online=timezone.localdate() + 3 * DAY)
    hidden = make_article(issue=issue, is_published=False)
    assert send_alerts().issues_out == 0
    assert mail.outbox == []
    hidden.is_published = True
    hidden.save()
    assert send_alerts().sent == 1
    embargoed.published_online = timezone.localdate()
    embargoed.save()
    assert send_alerts().sent == 0  # the issue was announced once, when it came out


def test_citations_found_after_subscribing_are_told_once(make_article, make_reader, cite, follow):
    reader = make_reader()
    followed = make_article(title="Followed article")
    also = make_article(title="Also followed")
    unfollowed = make_article(title="Nobody follows this")
    sub = Subscription.objects.create(user=reader, article=followed)
    follow(reader, also)
    sub.created_at = timezone.now() - 2 * DAY
    sub.save()
    cite(followed, ago=3 * DAY, title="Known before subscribing")
    cite(followed, ago=DAY, title="Found after", container="Journal of Later", year=2025)
    cite(followed, title="Found today", year=2023)
    cite(also, title="Cites the other one")
    cite(unfollowed, title="Nobody is told")

    report = send_alerts()
    assert report.sent == 1  # one e-mail per reader per run
    [message] = mail.outbox
    text = message.body
    assert "Found after" in text and "Found today" in text and "Cites the other one" in text
    assert "Known before subscribing" not in text and "Nobody is told" not in text
    assert "Journal of Later, 2025" in text and "https://doi.org/10.9999/citing." in text
    assert text.index("Found after") < text.index("Found today")  # newest work first
    assert message.subject == "2 of your followed articles were cited"

    mail.outbox.clear()
    send_alerts()
    assert mail.outbox == []
    cite(followed, title="One more")
    send_alerts()
    [message] = mail.outbox
    assert message.subject == "Cited once: Followed article"
    assert "One more" in message.body and "Found today" not in message.body


def test_small_batches_still_send_one_citation_email_per_reader(
    make_article, make_reader, cite, follow
):
    first, second = make_article(title="First followed"), make_article(title="Second followed")
    for email in ("a@example.org", "b@example.org", "c@example.org"):
        reader = make_reader(email)
        follow(reader, first)
        follow(reader, second)
    cite(first)
    cite(second)
    assert send_alerts(batch=1).sent == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "a@example.org",
        "b@example.org",
        "c@example.org",
    ]
    assert all("First followed" in m.body and "Second followed" in m.body for m in mail.outbox)


def test_unverified_readers_get_nothing_until_they_verify(make_article, make_reader, cite, follow):
    reader = make_reader(verified=False)
    article = make_article()
    follow(reader, article)
    cite(article)
    send_alerts()
    assert mail.outbox == []
    mark_email_verified(reader)
    send_alerts()
    assert len(mail.outbox) == 1


def test_a_refused_message_is_retried_later_not_at_once(
    started, make_article, make_reader, journal, settings
):
    settings.EMAIL_BACKEND = "tests.alerts.failing_mail.RefusingBackend"
    Subscription.objects.create(user=make_reader(), journal=journal)
    make_article(issue=new_issue(journal))
    report = send_alerts()
    assert report.failed == 1 and mail.outbox == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_alerts().sent == 0  # a retry waits for CLAIM_TIMEOUT
    later = timezone.now() + CLAIM_TIMEOUT + datetime.timedelta(minutes=1)
    assert send_alerts(now=later).sent == 1
    assert send_alerts(now=later + CLAIM_TIMEOUT * 2).sent == 0
    assert Delivery.objects.get().attempts == 1


def test_an_unreachable_mail_server_claims_nothing_and_the_next_run_sends(
    started, make_article, make_reader, journal, settings
):
    settings.EMAIL_BACKEND = "tests.alerts.failing_mail.UnreachableBackend"
    Subscription.objects.create(user=make_reader(), journal=journal)
    make_article(issue=new_issue(journal))
    assert send_alerts().sent == 0
    delivery = Delivery.objects.get()
    assert delivery.claimed_at is None and delivery.attempts == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_alerts().sent == 1  # no waiting for a claim to go stale


def test_gives_up_after_max_attempts(started, make_article, make_reader, journal, settings):
    settings.EMAIL_BACKEND = "tests.alerts.failing_mail.RefusingBackend"
    Subscription.objects.create(user=make_reader(), journal=journal)
    make_article(issue=new_issue(journal))
    now = timezone.now()
    for attempt in range(MAX_ATTEMPTS + 2):
        send_alerts(now=now + attempt * (CLAIM_TIMEOUT + datetime.timedelta(minutes=1)))
    assert Delivery.objects.get().attempts == MAX_ATTEMPTS


def test_a_run_that_died_after_sending_is_resent_once_its_claim_is_stale(
    started, make_article, make_reader, journal
):
    """At least once: the claim is written before sending, `sent_at` after."""
    Subscription.objects.create(user=make_reader(), journal=journal)
    make_article(issue=new_issue(journal))
    now = timezone.now()
    send_alerts(now=now)
    assert len(mail.outbox) == 1
    Delivery.objects.update(sent_at=None)  # as if the process died before stamping it
    assert send_alerts(now=now + datetime.timedelta(minutes=5)).sent == 0
    assert send_alerts(now=now + CLAIM_TIMEOUT + datetime.timedelta(minutes=1)).sent == 1
    assert len(mail.outbox) == 2


def test_a_reader_who_stops_the_alert_before_sending_gets_nothing(
    started, make_article, make_reader, journal
):
    subscription = Subscription.objects.create(user=make_reader(), journal=journal)
    make_article(issue=new_issue(journal))
    plan_new_issues(timezone.now(), RunReport())
    assert Delivery.objects.count() == 1
    subscription.delete()
    assert send_alerts().sent == 0 and mail.outbox == []


def test_queries_do_not_grow_with_subscribers(
    started, make_article, make_reader, journal, cite, follow, django_assert_max_num_queries
):
    def run_for(subscribers: int, code: str) -> int:
        other = Journal.objects.create(publisher=journal.publisher, code=code, title=code)
        followed = make_article(title=f"Followed by {code}")
        for n in range(subscribers):
            user = make_reader(f"{code}{n}@example.org")
            Subscription.objects.create(user=user, journal=other)
            follow(user, followed)
        make_article(journal=other, issue=new_issue(other), authors=3)
        make_article(journal=other, issue=Issue.objects.get(journal=other), authors=3)
        cite(followed)
        mail.outbox.clear()
        with django_assert_max_num_queries(17), CaptureQueriesContext(connection) as queries:
            report = send_alerts()
        assert report.sent == 2 * subscribers and len(mail.outbox) == 2 * subscribers
        return len(queries)

    assert run_for(2, "few") == run_for(40, "many")
