"""Keep the merged citation rows and the per-article summary the page reads.

Both sources (our corpus and Crossref) write through here, so a work is one row
whatever found it, and every change touches the summaries of the articles whose pages
show it: the cited article (its count and Cited-by list) and the citing article hosted
here (its reference list links to the cited one).
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from masthead.catalog.models import Article
from masthead.citations.models import Citation, CitationSummary
from masthead.citations.works import CitingWork

BATCH = 500


def work_of(article: Article, authors: list[str]) -> CitingWork:
    """A hosted article as a citing work (what the Cited-by tab shows of it)."""
    issue = article.issue
    year = (issue.year if issue else None) or (
        article.published_online.year if article.published_online else None
    )
    return CitingWork(
        doi=article.doi_key,
        title=article.title,
        authors=tuple(authors),
        journal=article.journal.title,
        year=year,
        volume=issue.volume if issue else "",
        issue=issue.number if issue else "",
        first_page=article.first_page or article.elocation_id,
    )


def describe(citation: Citation, work: CitingWork) -> bool:
    """Copy the work's metadata onto the row; whether anything changed."""
    values = {
        "title": work.title[:10_000],
        "authors": list(work.authors)[:100],
        "container": work.journal[:2_000],
        "year": work.year if work.year and 0 < work.year < 10_000 else None,
        "volume": work.volume[:32],
        "issue": work.issue[:32],
        "first_page": work.first_page[:32],
        "kind": work.kind[:32],
    }
    changed = False
    for name, value in values.items():
        if value and getattr(citation, name) != value:
            setattr(citation, name, value)
            changed = True
    return changed


def touch(article_pks: Iterable[int]) -> int:
    """Recount the citations of these articles and mark their pages changed."""
    pks = sorted(set(article_pks))
    now = timezone.now()
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        counts = dict(
            Citation.objects.filter(cited_id__in=chunk)
            .values_list("cited_id")
            .annotate(n=Count("id"))
            .values_list("cited_id", "n")
        )
        with transaction.atomic():
            existing = set(
                CitationSummary.objects.filter(article_id__in=chunk).values_list(
                    "article_id", flat=True
                )
            )
            CitationSummary.objects.bulk_create(
                CitationSummary(article_id=pk, cited_by=counts.get(pk, 0), changed_at=now)
                for pk in chunk
                if pk not in existing
            )
            rows = [
                CitationSummary(article_id=pk, cited_by=counts.get(pk, 0), changed_at=now)
                for pk in chunk
                if pk in existing
            ]
            CitationSummary.objects.bulk_update(rows, ["cited_by", "changed_at"])
    return len(pks)
