"""Crossref's cited-by links for our DOIs, fetched incrementally by background jobs.

A DOI Crossref has never been asked about alone (a new or newly imported article) is
asked about once over all time; after that, one query per DOI prefix and date window
(Crossref's `startDate`/`endDate` form of getForwardLinks) returns only the links
created since the last run. Pages never wait for Crossref: they show what is stored.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from masthead.catalog.models import Article, Journal
from masthead.citations.crossref import CrossrefAccount, CrossrefClient, CrossrefError
from masthead.citations.crossref_xml import ForwardLink
from masthead.citations.doi import normalize_doi
from masthead.citations.models import Citation, CitationSummary, CrossrefMember
from masthead.citations.store import describe, touch
from masthead.citations.works import CitingWork

log = logging.getLogger(__name__)


@dataclass
class CitedByStats:
    queries: int = 0
    links: int = 0
    added: int = 0
    errors: list[str] = field(default_factory=list)


COMPLETE_AT_MOST = 200  # REST look-ups per answer, for citing works given without a title


def _completed(client: CrossrefClient, links: list[ForwardLink]) -> list[ForwardLink]:
    """Links whose citing work came without a title get the work's metadata from
    Crossref's REST API (a few per run: the rest keep what the link said)."""
    done = []
    budget = COMPLETE_AT_MOST
    for link in links:
        if not link.work.title and link.work.doi and budget > 0:
            budget -= 1
            try:
                work = client.work(link.work.doi)
            except CrossrefError as error:
                log.info("Crossref REST works %s: %s", link.work.doi, error)
                work = None
            if work is not None:
                link = ForwardLink(link.cited_doi, work)
        done.append(link)
    return done


def crossref_client() -> CrossrefClient:
    """The client as configured (`CROSSREF_API_BASE`, `CROSSREF_SERVICE_BASE`, mailto)."""
    return CrossrefClient(
        api_base=settings.CROSSREF_API_BASE,
        service_base=settings.CROSSREF_SERVICE_BASE,
        mailto=settings.CROSSREF_MAILTO,
    )


def refresh_cited_by(client: CrossrefClient, today: dt.date | None = None) -> CitedByStats:
    """Fetch new cited-by links for every member that wants them; store them merged."""
    today = today or timezone.now().date()
    stats = CitedByStats()
    for member in CrossrefMember.objects.filter(cited_by=True).select_related("publisher"):
        try:
            _refresh_member(client, member, today, stats)
        except CrossrefError as error:  # the next run tries again from the same day
            log.warning("Crossref cited-by for %s: %s", member.publisher, error)
            stats.errors.append(f"{member.publisher}: {error}")
    return stats


def _refresh_member(client, member: CrossrefMember, today: dt.date, stats: CitedByStats) -> None:
    account = CrossrefAccount(member.username, member.password)
    articles = Article.objects.filter(journal__publisher=member.publisher)
    owned = member_prefixes(member)
    if owned:  # Crossref answers a member only about the DOIs of its own prefixes
        under = Q()
        for prefix in owned:
            under |= Q(doi_key__startswith=f"{prefix}/")
        articles = articles.filter(under)
    ours = dict(articles.values_list("doi_key", "pk"))
    if not ours:
        return
    # The window first: links created since the last run, for every DOI of each prefix.
    end = today - dt.timedelta(days=1)  # a day is complete once it is over
    start = (
        member.cited_by_checked_until + dt.timedelta(days=1)
        if member.cited_by_checked_until
        else None
    )
    if start is not None and start <= end:
        for prefix in sorted(owned or {doi.split("/", 1)[0] for doi in ours}):
            stats.queries += 1
            _store(client, client.forward_links(account, prefix, start, end), ours, stats)
    # Then DOIs never asked about alone, over all time.
    unchecked = (
        articles.exclude(citation_summary__crossref_checked_at__isnull=False)
        .values_list("pk", "doi")
        .order_by("pk")
    )
    for pk, doi in unchecked:
        stats.queries += 1
        _store(client, client.forward_links(account, doi), ours, stats)
        summary, _ = CitationSummary.objects.get_or_create(article_id=pk)
        CitationSummary.objects.filter(pk=summary.pk).update(crossref_checked_at=timezone.now())
    if start is None or start <= end:
        member.cited_by_checked_until = end
        member.save(update_fields=["cited_by_checked_until"])


def member_prefixes(member: CrossrefMember) -> set[str]:
    """The DOI prefixes the member registers under: its journals' (lower case)."""
    journals = Journal.objects.filter(publisher=member.publisher).exclude(doi_prefix="")
    return {p.strip().lower() for p in journals.values_list("doi_prefix", flat=True)}


def _store(client, links: list[ForwardLink], ours: dict[str, int], stats: CitedByStats) -> None:
    """Merge Crossref's links into the stored citations (one row per citing DOI), in bulk:
    a date window for a whole prefix may hold tens of thousands of links."""
    works: dict[tuple[int, str], CitingWork] = {}
    for link in _completed(client, links):
        cited = ours.get(normalize_doi(link.cited_doi))
        citing = normalize_doi(link.work.doi)
        if cited is not None and citing:
            works.setdefault((cited, citing), link.work)
    stats.links += len(works)
    if not works:
        return
    hosted = _hosted({doi for _cited, doi in works})
    stored = _stored({cited for cited, _doi in works})
    new, updated = [], []
    for (cited, doi), work in works.items():
        citation = stored.get((cited, doi))
        if citation is None:
            citation = Citation(cited_id=cited, citing_doi=doi, citing_article_id=hosted.get(doi))
            describe(citation, work)
            citation.from_crossref = True
            new.append(citation)
        elif not citation.from_crossref or (not citation.from_corpus and describe(citation, work)):
            citation.from_crossref = True  # our own metadata wins for works hosted here
            citation.citing_article_id = citation.citing_article_id or hosted.get(doi)
            updated.append(citation)
    with transaction.atomic():
        # ignore_conflicts: a run beside this one may have stored the same work meanwhile
        Citation.objects.bulk_create(new, batch_size=CHUNK, ignore_conflicts=True)
        Citation.objects.bulk_update(updated, UPDATED_FIELDS, batch_size=CHUNK)
    stats.added += len(new)
    touch({c.cited_id for c in new} | {c.cited_id for c in updated})


CHUNK = 500
UPDATED_FIELDS = [
    "from_crossref", "citing_article", "title", "authors", "container", "year", "volume",
    "issue", "first_page", "kind",
]  # fmt: skip


def _hosted(dois: set[str]) -> dict[str, int]:
    """Which of these citing DOIs are articles hosted here."""
    found: dict[str, int] = {}
    ordered = sorted(dois)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        found.update(Article.objects.filter(doi_key__in=chunk).values_list("doi_key", "pk"))
    return found


def _stored(cited: set[int]) -> dict[tuple[int, str], Citation]:
    """The stored citations of these articles, by (cited article, citing DOI)."""
    stored = {}
    ordered = sorted(cited)
    for start in range(0, len(ordered), CHUNK):
        for citation in Citation.objects.filter(cited_id__in=ordered[start : start + CHUNK]):
            stored[(citation.cited_id, citation.citing_doi)] = citation
    return stored
