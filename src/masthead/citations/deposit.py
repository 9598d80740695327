"""Register our DOIs with Crossref: build the deposit, submit it, record its outcome.

An article is due when it is published and what a deposit carries of it (its version
and the change times of the article, its issue and its journal: `deposit_stamp`) differs
from its last deposit that Crossref accepted or has yet to answer. `--output` files
and refused uploads do not count as deposits.
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from masthead.catalog.models import Article, Contributor, Publisher
from masthead.citations.crossref import CrossrefAccount, CrossrefClient, CrossrefError
from masthead.citations.deposit_schema import validate_deposit
from masthead.citations.deposit_xml import Depositor, deposit_xml
from masthead.citations.doi import normalize_doi
from masthead.citations.models import CrossrefMember, DepositBatch, DepositItem

BATCH_SIZE = 500  # articles per deposit file


class DepositError(Exception):
    """A deposit that cannot be made (no member account, an invalid file)."""


@dataclass(frozen=True)
class Outcome:
    batch: DepositBatch
    articles: int


def deposit_stamp(article: Article) -> str:
    """What of the article a deposit carries: changes when any of it changes."""
    issue = article.issue.updated_at if article.issue is not None else None
    return _stamp(article.version, article.updated_at, article.journal.updated_at, issue)


def _stamp(version: int, *changed) -> str:
    return f"{version}:" + ":".join(t.isoformat() for t in changed if t is not None)


def article_url(article: Article) -> str:
    return settings.MASTHEAD_BASE_URL + reverse("reader:article", args=[article.doi])


def due_ids(
    publishers: Iterable[Publisher] | None = None, every: bool = False, within=None
) -> list[int]:
    """Published articles whose current state Crossref does not have (all with `every`),
    of these publishers (of all without), among `within` (an Article queryset) if given:
    ids only, cheap enough for a page to count."""
    articles = (Article.objects.all() if within is None else within).visible()
    if publishers is not None:
        articles = articles.filter(journal__publisher__in=list(publishers))
    rows = articles.values_list(
        "pk", "version", "updated_at", "journal__updated_at", "issue__updated_at"
    )
    if every:
        return [row[0] for row in rows]
    deposited = set(
        DepositItem.objects.filter(
            status__in=[DepositItem.PENDING, DepositItem.SUCCESS, DepositItem.WARNING],
            batch__status__in=[
                DepositBatch.SUBMITTED,
                DepositBatch.COMPLETED,
                DepositBatch.FAILURES,
            ],
        ).values_list("article_id", "stamp")
    )
    return [pk for pk, *state in rows if (pk, _stamp(*state)) not in deposited]


def due_articles(
    publishers: Iterable[Publisher] | None = None, every: bool = False, within=None
) -> list[Article]:
    """The due articles (`due_ids`) with all a deposit carries of them, in deposit order."""
    ids = due_ids(publishers, every, within)
    articles: list[Article] = []
    for start in range(0, len(ids), BATCH_SIZE):  # SQLite bounds the parameters of a query
        articles += (
            Article.objects.filter(pk__in=ids[start : start + BATCH_SIZE])
            .select_related("journal", "journal__publisher", "issue")
            .prefetch_related(
                Prefetch("contributors", Contributor.objects.order_by("position")), "references"
            )
        )
    articles.sort(key=lambda a: (a.journal_id, a.issue_id or 0, a.position, a.pk))
    return articles


def members_publishers():
    """The publishers that can deposit: those with a Crossref member account."""
    return Publisher.objects.filter(crossref__isnull=False)


def depositor_for(publisher: Publisher) -> tuple[Depositor, CrossrefMember | None]:
    member = CrossrefMember.objects.filter(publisher=publisher).first()
    if member is not None:
        return Depositor(
            member.depositor_name, member.depositor_email, member.registrant_name
        ), member
    email = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]  # the address of "Name <address>"
    return Depositor(publisher.name, email, publisher.name), None


def deposit(
    articles: Iterable[Article], client: CrossrefClient | None = None, output: Path | None = None
) -> list[Outcome]:
    """Deposit the articles, one batch per publisher and BATCH_SIZE articles.

    With `output`, the XML is written to that file (one batch, numbered files beyond it)
    and nothing is submitted; otherwise each batch is submitted with the publisher's
    Crossref member account, which must exist.
    """
    by_publisher: dict[int, list[Article]] = {}
    for article in articles:
        by_publisher.setdefault(article.journal.publisher_id, []).append(article)
    accounts = {pk: depositor_for(group[0].journal.publisher) for pk, group in by_publisher.items()}
    without = sorted(
        by_publisher[pk][0].journal.publisher.name for pk, (_d, m) in accounts.items() if m is None
    )
    if output is None and without:  # before anything is built or sent
        raise DepositError(
            f"{', '.join(without)}: no Crossref member account. Add one in the admin "
            "(Citations > Crossref members), or write the file with --output."
        )
    outcomes = []
    for pk, group in by_publisher.items():
        depositor, member = accounts[pk]
        for start in range(0, len(group), BATCH_SIZE):
            chunk = group[start : start + BATCH_SIZE]
            batch = _build(chunk, depositor, member)
            if output is not None:
                path = output if len(outcomes) == 0 else _numbered(output, len(outcomes))
                path.write_text(batch.xml, encoding="utf-8")
                batch.message = f"Written to {path}"
                batch.save(update_fields=["message"])
            else:
                _submit(batch, member, client)
            outcomes.append(Outcome(batch, len(chunk)))
    return outcomes


def _numbered(path: Path, n: int) -> Path:
    return path.with_name(f"{path.stem}-{n + 1}{path.suffix}")


def _next_timestamp() -> int:
    """Crossref applies a deposit only when its timestamp exceeds the last one's."""
    last = DepositBatch.objects.order_by("-timestamp").values_list("timestamp", flat=True).first()
    return max(int(time.time() * 1000), (last or 0) + 1)


def _build(articles: list[Article], depositor: Depositor, member) -> DepositBatch:
    timestamp = _next_timestamp()
    batch_id = f"masthead-{timestamp}"
    xml = deposit_xml(
        articles, batch_id=batch_id, timestamp=timestamp, depositor=depositor, url_for=article_url
    )
    errors = validate_deposit(xml)
    if errors:
        raise DepositError("The deposit does not validate: " + "; ".join(errors[:5]))
    with transaction.atomic():
        batch = DepositBatch.objects.create(
            batch_id=batch_id,
            member=member,
            timestamp=timestamp,
            status=DepositBatch.WRITTEN,
            xml=xml.decode("utf-8"),
        )
        DepositItem.objects.bulk_create(
            DepositItem(batch=batch, article=a, doi=a.doi, stamp=deposit_stamp(a)) for a in articles
        )
    return batch


def _file_name(batch: DepositBatch) -> str:
    return f"{batch.batch_id}.xml"


def _submit(batch: DepositBatch, member: CrossrefMember, client: CrossrefClient) -> None:
    account = CrossrefAccount(member.username, member.password)
    try:
        receipt = client.submit_deposit(account, batch.xml.encode("utf-8"), _file_name(batch))
    except CrossrefError as error:  # kept, refused, for the admin to see; the articles stay due
        batch.status, batch.message = DepositBatch.REFUSED, str(error)[:2000]
        batch.save(update_fields=["status", "message"])
        raise
    batch.status = DepositBatch.SUBMITTED if receipt.accepted else DepositBatch.REFUSED
    batch.message = receipt.message[:2000]
    batch.save(update_fields=["status", "message"])


def check_results(client: CrossrefClient) -> list[DepositBatch]:
    """Ask Crossref about every batch still waiting for its result; record what it says."""
    finished = []
    pending = DepositBatch.objects.filter(status=DepositBatch.SUBMITTED).select_related("member")
    for batch in pending.exclude(member=None):
        account = CrossrefAccount(batch.member.username, batch.member.password)
        # by file name, as Crossref recommends: it also finds a submission still queued
        result = client.submission_result(account, file_name=_file_name(batch))
        batch.checked_at = timezone.now()
        if not result.finished:
            batch.save(update_fields=["checked_at"])
            continue
        _record(batch, result)
        finished.append(batch)
    return finished


def _record(batch: DepositBatch, result) -> None:
    by_doi = {normalize_doi(r.doi): r for r in result.records}
    with transaction.atomic():
        for item in batch.items.all():
            record = by_doi.get(normalize_doi(item.doi))
            if record is None:
                continue
            status = record.status.lower()
            item.status = status if status in {"success", "warning", "failure"} else item.status
            item.message = record.message[:2000]
            item.save(update_fields=["status", "message"])
        batch.success_count = result.success_count
        batch.warning_count = result.warning_count
        batch.failure_count = result.failure_count
        batch.status = DepositBatch.FAILURES if result.failure_count else DepositBatch.COMPLETED
        batch.message = (
            f"{result.success_count} registered, {result.warning_count} with warnings, "
            f"{result.failure_count} failed"
        )
        batch.save()
