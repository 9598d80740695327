"""Internal citations: references in articles hosted here that point to another one.

`refresh_corpus()` matches every reference of every visible article against every
hosted article (`citations.matching`, pure) and writes only the difference to the
stored citations. It does nothing when no article has been added, changed or removed
since its last run, so a background loop may call it as often as it likes.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from masthead.catalog.models import Article, Contributor, Reference
from masthead.citations.matching import CitedReference, HostedArticle, ReferenceIndex
from masthead.citations.models import Citation, RefreshMark
from masthead.citations.store import describe, touch, work_of

MARK = "corpus"


@dataclass
class CorpusStats:
    articles: int = 0
    references: int = 0
    matched: int = 0
    added: int = 0
    removed: int = 0
    skipped: bool = False


def refresh_corpus(force: bool = False) -> CorpusStats:
    """Bring the stored internal citations in line with the corpus; `force` always runs."""
    fingerprint = _fingerprint()
    mark = RefreshMark.objects.filter(name=MARK).values_list("value", flat=True).first()
    if mark == fingerprint and not force:
        return CorpusStats(skipped=True)
    stats = CorpusStats()
    hosted = _hosted_articles()
    stats.articles = len(hosted)
    index = ReferenceIndex(hosted.values())
    found: dict[tuple[int, int], int] = {}  # (cited, citing) -> reference
    for ref_pk, citing_pk, reference in _references():
        stats.references += 1
        match = index.match(reference)
        if match is None or match.article_pk == citing_pk:
            continue
        stats.matched += 1
        found.setdefault((match.article_pk, citing_pk), ref_pk)
    stats.added, stats.removed = _write(found)
    RefreshMark.objects.update_or_create(name=MARK, defaults={"value": fingerprint})
    return stats


def _fingerprint() -> str:
    """Changes when an article is added, removed or changed (a new version, an edit)."""
    summary = Article.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    return f"{summary['n']}:{summary['changed']}"


def _first_authors() -> dict[int, str]:
    firsts: dict[int, str] = {}
    rows = (
        Contributor.objects.filter(role="author")
        .order_by("article_id", "-position")
        .values_list("article_id", "surname", "collab")
    )
    for article_pk, surname, collab in rows.iterator(chunk_size=5000):
        firsts[article_pk] = surname or collab  # the lowest position is written last
    return firsts


def _hosted_articles() -> dict[int, HostedArticle]:
    firsts = _first_authors()
    rows = Article.objects.values_list(
        "pk",
        "doi",
        "pmid",
        "journal__title",
        "journal__abbreviation",
        "journal__issn_print",
        "journal__issn_online",
        "issue__year",
        "issue__volume",
        "issue__number",
        "published_online",
        "first_page",
        "elocation_id",
        "title",
        named=True,
    )
    hosted = {}
    for row in rows.iterator(chunk_size=5000):
        online = row.published_online
        hosted[row.pk] = HostedArticle(
            pk=row.pk,
            doi=row.doi,
            pmid=row.pmid,
            journal_names=tuple(n for n in (row.journal__title, row.journal__abbreviation) if n),
            issns=tuple(i for i in (row.journal__issn_print, row.journal__issn_online) if i),
            year=row.issue__year or (online.year if online else None),
            volume=row.issue__volume or "",
            issue=row.issue__number or "",
            first_page=row.first_page,
            elocation_id=row.elocation_id,
            title=row.title,
            first_author=firsts.get(row.pk, ""),
        )
    return hosted


_REFERENCE_FIELDS = (
    "doi",
    "pmid",
    "source",
    "year",
    "volume",
    "issue",
    "first_page",
    "elocation_id",
    "article_title",
)


def _references():
    """(reference pk, citing article pk, CitedReference) for every visible article."""
    rows = (
        Reference.objects.filter(article__in=Article.objects.visible())
        .values_list("pk", "article_id", "authors", "original_text", *_REFERENCE_FIELDS)
        .order_by()
    )
    for pk, article_pk, authors, text, *fields in rows.iterator(chunk_size=5000):
        first_author = authors[0][0] if authors and authors[0] else ""
        reference = CitedReference(
            **dict(zip(_REFERENCE_FIELDS, fields, strict=True)),
            first_author=first_author,
            text=text,
        )
        yield pk, article_pk, reference


def _write(found: dict[tuple[int, int], int]) -> tuple[int, int]:
    """Store the difference between `found` and the stored corpus citations."""
    stored = {
        (cited, citing): (pk, ref, from_crossref)
        for pk, cited, citing, ref, from_crossref in Citation.objects.filter(
            from_corpus=True
        ).values_list("pk", "cited_id", "citing_article_id", "reference_id", "from_crossref")
    }
    new = [pair for pair in found if pair not in stored]
    gone = [pair for pair in stored if pair not in found]
    moved = [p for p in found if p in stored and stored[p][1] != found[p]]
    touched: set[int] = set()
    with transaction.atomic():
        _add(new, found)
        for pair in gone:
            pk, _ref, from_crossref = stored[pair]
            if from_crossref:  # Crossref still knows it: it stays, as Crossref's
                Citation.objects.filter(pk=pk).update(from_corpus=False, reference=None)
            else:
                Citation.objects.filter(pk=pk).delete()
        for pair in moved:
            Citation.objects.filter(pk=stored[pair][0]).update(reference_id=found[pair])
    for cited, citing in [*new, *gone, *moved]:
        touched.update((cited, citing))
    touch(touched)
    return len(new), len(gone)


def _add(pairs: list[tuple[int, int]], found: dict) -> None:
    """Store new corpus citations, a few hundred citing articles at a time."""
    pairs = sorted(pairs, key=lambda pair: pair[1])
    for start in range(0, len(pairs), CHUNK):
        _add_chunk(pairs[start : start + CHUNK], found)


CHUNK = 500


def _add_chunk(pairs: list[tuple[int, int]], found: dict) -> None:
    citing_pks = {citing for _cited, citing in pairs}
    articles = Article.objects.select_related("journal", "issue").in_bulk(citing_pks)
    authors: dict[int, list[str]] = {}
    for pk, given, surname, collab in (
        Contributor.objects.filter(article_id__in=citing_pks, role="author")
        .order_by("article_id", "position")
        .values_list("article_id", "given_names", "surname", "collab")
    ):
        authors.setdefault(pk, []).append(" ".join(p for p in (given, surname) if p) or collab)
    for cited, citing in pairs:
        article = articles[citing]
        work = work_of(article, authors.get(citing, []))
        citation, _ = Citation.objects.get_or_create(
            cited_id=cited, citing_doi=work.doi, defaults={"found_at": timezone.now()}
        )
        describe(citation, work)
        citation.citing_article = article
        citation.reference_id = found[(cited, citing)]
        citation.from_corpus = True
        citation.save()
