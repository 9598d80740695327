"""E-mail alerts: every state change, as plain functions (views, the job and tests call them).

Subscribing: `subscribe`, `unsubscribe` (a signed-in reader, by id), `unsubscribe_named`
(whoever holds an e-mail's signed link).

The job, `masthead send_alerts` (the worker runs it every minute), in three steps:

1. New issues. An issue is out once it has a visible article (`Article.objects.visible()`:
   published, embargo over). The first run ever records every issue already out in
   `AnnouncedIssue` and mails nothing (installing alerts must not mail the back catalogue);
   later runs plan one `Delivery` per subscriber of the journal for each issue newly out.
2. Citations. A `Citation` of a followed article found after the subscription was made,
   whose citing work this subscription has not been told of, plans one `Delivery`.
3. Sending. Due deliveries are claimed by one conditional UPDATE (so two workers never
   take the same row), sent (one e-mail per new issue per reader; one e-mail per reader
   listing every cited article and its new citing works), and stamped `sent_at`.

Planning writes rows that are unique per (subscription, issue) and (subscription, citing
work): a rerun, or a second worker, plans nothing twice. Only active accounts with a
verified address are planned for, and checked again when sending.

Crash safety: at least once. A claim is written before the mail goes out and `sent_at`
after it; if the process dies between the two, the claim goes stale and a run after
CLAIM_TIMEOUT sends those e-mails again. Chosen over at most once because the other order
(stamp, then send) loses the alert silently whenever the process dies or the mail server
fails in between, and a reader who asked to be told would never know; a duplicate in the
rare crash between SMTP's "250 OK" and our UPDATE is visible and harmless. The window is
one batch (the stamp is one UPDATE per batch, which keeps the queries per run independent
of the number of subscribers). A refused message (mail server error) is retried after
CLAIM_TIMEOUT, up to MAX_ATTEMPTS times; the admin shows what stayed unsent.
"""

import datetime
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.core import mail
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from masthead.alerts import notices
from masthead.alerts.models import AnnouncedIssue, Delivery, JobMark, Subscription
from masthead.alerts.tokens import Named
from masthead.catalog.models import Article, Issue, Journal

log = logging.getLogger("masthead.alerts")

BASELINE = "baseline"
CLAIM_TIMEOUT = datetime.timedelta(minutes=30)
MAX_ATTEMPTS = 5
READERS_PER_BATCH = 100


# ---------------------------------------------------------------- subscribing


def subscribe(
    user, *, journal: Journal | None = None, article: Article | None = None
) -> tuple[Subscription, bool]:
    """The reader's alert for a journal's new issues or an article's citations, and
    whether it is new (subscribing twice, or two clicks racing, is one alert)."""
    if (journal is None) == (article is None):
        raise ValueError("an alert is for a journal or for an article")
    return Subscription.objects.get_or_create(user=user, journal=journal, article=article)


def subscription_for(user, *, journal=None, article=None) -> Subscription | None:
    if not user.is_authenticated:
        return None
    return Subscription.objects.filter(user=user, journal=journal, article=article).first()


def subscriptions_of(user) -> list[Subscription]:
    """The reader's alerts for My alerts: journals first, then articles, newest first."""
    rows = Subscription.objects.filter(user=user).select_related("journal", "article__journal")
    return sorted(rows, key=lambda s: s.article_id is not None)


def unsubscribe(user, subscription_id: int) -> bool:
    """Remove one of the reader's own alerts; False when there was none to remove."""
    return _delete(Subscription.objects.filter(user=user, pk=subscription_id)) > 0


def named_subscriptions(named: Named):
    """The alerts an unsubscribe link names that still exist."""
    return (
        Subscription.objects.filter(user_id=named.user_id)
        .filter(Q(journal_id__in=named.journal_ids) | Q(article_id__in=named.article_ids))
        .select_related("journal", "article__journal")
    )


def unsubscribe_named(named: Named) -> int:
    """Remove the alerts an unsubscribe link names; how many there still were."""
    return _delete(named_subscriptions(named))


def _delete(subscriptions) -> int:
    return subscriptions.delete()[1].get(Subscription._meta.label, 0)


# ---------------------------------------------------------------- the job


@dataclass
class RunReport:
    baseline: int = 0  # issues found out on the first run: recorded, never mailed
    issues_out: int = 0  # issues newly out on this run
    planned: int = 0  # deliveries planned (one per subscriber and issue or citing work)
    sent: int = 0  # e-mails the mail server took
    failed: int = 0  # e-mails it refused (retried later)
    dropped: int = 0  # deliveries no longer due (account closed, issue withdrawn)


def send_alerts(now: datetime.datetime | None = None, batch: int = READERS_PER_BATCH) -> RunReport:
    """One run of the job: plan what is new, then send everything due."""
    now = now or timezone.now()
    report = RunReport()
    plan_new_issues(now, report)
    plan_citations(now, report)
    deliver(now, report, batch)
    return report


def _mailable(subscriptions):
    return subscriptions.filter(
        user__is_active=True, user__reader_profile__email_verified_at__isnull=False
    ).exclude(user__email="")


def plan_new_issues(now: datetime.datetime, report: RunReport) -> None:
    visible = Article.objects.visible().filter(issue=OuterRef("pk"))
    out = Issue.objects.filter(alert_announcement__isnull=True).filter(Exists(visible))
    issues = list(out.values_list("pk", "journal_id"))
    if not JobMark.objects.filter(name=BASELINE).exists():
        with transaction.atomic():
            AnnouncedIssue.objects.bulk_create(
                [AnnouncedIssue(issue_id=pk, out_at=now, mailed=False) for pk, _ in issues],
                ignore_conflicts=True,
            )
            JobMark.objects.get_or_create(name=BASELINE, defaults={"at": now})
        report.baseline = len(issues)
        return
    if not issues:
        return
    subscribers = defaultdict(list)
    rows = _mailable(Subscription.objects.filter(journal_id__in={j for _, j in issues}))
    for pk, journal_id in rows.values_list("pk", "journal_id"):
        subscribers[journal_id].append(pk)
    planned = [
        Delivery(subscription_id=s, issue_id=issue_id, planned_at=now)
        for issue_id, journal_id in issues
        for s in subscribers[journal_id]
    ]
    with transaction.atomic():  # the plan and "announced" together: a crash leaves neither
        Delivery.objects.bulk_create(planned, ignore_conflicts=True)
        AnnouncedIssue.objects.bulk_create(
            [AnnouncedIssue(issue_id=pk, out_at=now) for pk, _ in issues], ignore_conflicts=True
        )
    report.issues_out, report.planned = len(issues), report.planned + len(planned)


def plan_citations(now: datetime.datetime, report: RunReport) -> None:
    told = Delivery.objects.filter(
        subscription=OuterRef("pk"), citing_doi=OuterRef("article__citations__citing_doi")
    )
    rows = (
        _mailable(Subscription.objects.filter(article__is_published=True))
        .filter(article__citations__found_at__gt=F("created_at"))
        .annotate(told=Exists(told))
        .filter(told=False)
        .values_list("pk", "article__citations__pk", "article__citations__citing_doi")
        .order_by()
    )
    planned = [
        Delivery(subscription_id=s, citation_id=c, citing_doi=doi, planned_at=now)
        for s, c, doi in rows
    ]
    Delivery.objects.bulk_create(planned, ignore_conflicts=True)
    report.planned += len(planned)


def _due(now: datetime.datetime) -> Q:
    return Q(sent_at=None, attempts__lt=MAX_ATTEMPTS) & (
        Q(claimed_at=None) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
    )


def due_count(now: datetime.datetime | None = None) -> int:
    """E-mails planned and not yet sent (the worker's backlog)."""
    return Delivery.objects.filter(_due(now or timezone.now())).count()


def deliver(now: datetime.datetime, report: RunReport, batch: int = READERS_PER_BATCH) -> None:
    """Send every due delivery, the readers `batch` at a time (a reader's whole news in
    one batch, so their citations make one e-mail)."""
    run, started = uuid.uuid4().hex, timezone.now()
    due = _due(now)
    connection = None
    try:
        while True:
            readers = list(
                Delivery.objects.filter(due)
                .order_by("subscription__user_id")
                .values_list("subscription__user_id", flat=True)
                .distinct()[:batch]
            )
            if not readers:
                return
            if connection is None:
                connection = mail.get_connection()
                try:
                    connection.open()
                except OSError as error:  # nothing claimed yet: the next run tries again
                    log.error("alerts not sent: mail server unavailable: %s", error)
                    return
            ids = list(
                Delivery.objects.filter(due, subscription__user_id__in=readers).values_list(
                    "pk", flat=True
                )
            )
            # The due test is on the row itself, so a second worker's claim wins or loses
            # row by row (PostgreSQL re-checks it after the row lock; SQLite writes alone).
            # Claims are dated when taken (the run's clock moves on), so a long run's last
            # batch does not look stale to another worker.
            claimed_at = now + (timezone.now() - started)
            Delivery.objects.filter(due, pk__in=ids).update(claim=run, claimed_at=claimed_at)
            rows = list(
                Delivery.objects.filter(claim=run, pk__in=ids).select_related(
                    "subscription__user__reader_profile",
                    "subscription__article",
                    "issue__journal",
                    "citation__citing_article",
                )
            )
            _send(rows, connection, report)
    finally:
        if connection is not None:
            connection.close()


def _send(rows: list[Delivery], connection, report: RunReport) -> None:
    keep = [r for r in rows if _may_mail(r.subscription.user)]
    dropped = [r.pk for r in rows if r not in keep]
    letters = []  # (delivery ids, message)
    issue_notices = notices.issue_notices({r.issue for r in keep if r.issue_id})
    cited = defaultdict(list)
    for row in keep:
        if row.issue_id:
            notice = issue_notices.get(row.issue_id)
            if notice is None:  # no visible article any more: withdrawn before we told
                dropped.append(row.pk)
                continue
            letters.append(([row.pk], notices.issue_letter(row, notice)))
        elif row.citation_id:
            cited[row.subscription.user].append(row)
        else:  # the citation went away before we told anyone
            dropped.append(row.pk)
    letters += [([r.pk for r in c], notices.cited_letter(u, c)) for u, c in cited.items()]
    sent, failed = [], []
    for pks, message in letters:
        try:
            ok = connection.send_messages([message])
        except (OSError, ValueError) as error:  # SMTP errors are OSErrors
            log.warning("alert (deliveries %s) not sent: %s", pks, error)
            connection.close()  # the next message opens a fresh connection
            ok = 0
        (sent if ok else failed).extend(pks)
        report.sent += bool(ok)
        report.failed += not ok
    if sent:
        Delivery.objects.filter(pk__in=sent).update(sent_at=timezone.now())
    if failed:
        Delivery.objects.filter(pk__in=failed).update(attempts=F("attempts") + 1)
    if dropped:
        Delivery.objects.filter(pk__in=dropped).delete()
        report.dropped += len(dropped)


def _may_mail(user) -> bool:
    """An active account whose address is proven (`ReaderProfile.email_verified_at`)."""
    profile = getattr(user, "reader_profile", None)  # accounts made in the admin have none
    return bool(user.is_active and user.email and profile and profile.email_verified)
