"""Site search: the one interface the search page and the REST API call.

    search(SearchParams(q="polycomb", journal="elife"), scope) -> SearchPage

Relevance-ranked full text over titles, keywords, author names, abstracts and full-text
bodies (SQLite FTS5 or PostgreSQL full-text search, `search_sqlite`/`search_postgres`,
chosen by the database in use), with the same rules on both: field weights title >
keywords = authors > abstract > body (articles whose fields other than the body hold
every term rank before those matched through their body); ties broken by publication
date, newest first, then id; sorting by date is newest first, then id. Only
`Article.objects.visible()` articles are ever found (the conditions are in `search_filters.where`).

A page costs a fixed number of queries whatever the number of hits: the page of ids
with the total, the articles, their authors and their snippets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from masthead.catalog.models import Article, Contributor, Journal, display_name
from masthead.citations.page import byline
from masthead.discovery import search_postgres, search_sqlite
from masthead.discovery.search_filters import (
    MAX_RESULTS,
    AccessScope,
    Criteria,
    TextMatch,
    criteria,
    where,
)
from masthead.discovery.search_query import (
    MARK_START,
    QueryError,
    as_doi,
    as_issn,
    clean,
    highlight_html,
)
from masthead.related.documents import plain_text
from masthead.sql import fetch_all

__all__ = ["AccessScope", "Hit", "QueryError", "SearchPage", "SearchParams", "search"]

BROWSE_SNIPPET_CHARS = 300
ARTICLE_TYPES_SECONDS = 600
PUBLICATION_DATE = "COALESCE(a.published_online, a.issue_date)"
JOINS = (
    "JOIN catalog_journal j ON j.id = a.journal_id LEFT JOIN catalog_issue i ON i.id = a.issue_id"
)


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    author: str = ""
    title: str = ""
    doi: str = ""
    issn: str = ""
    journal: str = ""  # a journal's code
    year_from: int | None = None
    year_to: int | None = None
    article_type: str = ""  # JATS @article-type, e.g. research-article
    open_access: bool = False
    accessible_only: bool = False  # needs a scope; without one it is ignored
    sort: str = "relevance"  # or "date"
    page: int = 1
    page_size: int = 20


@dataclass(frozen=True)
class Hit:
    article_id: int
    doi: str
    title: str
    byline: str  # "A, B, C et al."
    journal_title: str
    journal_code: str
    year: int | None
    snippet_html: str  # escaped text with <mark> around the hits: safe to print as is
    score: float  # higher ranks first (within a tier); 0.0 when sorted by date
    title_html: str = ""  # sanitised inline markup (italics), when the source had some
    is_open_access: bool = False
    published_online: dt.date | None = None
    article_type: str = ""
    path: str = ""  # the article page, /doi/abs/<doi>


@dataclass(frozen=True)
class SearchPage:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = 20

    @property
    def pages(self) -> int:
        """Pages a reader can reach (results stop at MAX_RESULTS)."""
        return -(-min(self.total, MAX_RESULTS) // self.page_size)

    @property
    def first(self) -> int:
        return (self.page - 1) * self.page_size + 1


def backend():
    if connection.vendor == "sqlite":
        return search_sqlite
    if connection.vendor == "postgresql":
        return search_postgres
    raise NotImplementedError(f"site search needs SQLite or PostgreSQL, not {connection.vendor}")


def search(params: SearchParams, scope: AccessScope | None = None) -> SearchPage:
    """One page of results. Raises QueryError (a message for the reader) for a search
    that cannot run: too long, too many terms, a page too deep, a malformed DOI..."""
    c = criteria(params)
    empty = SearchPage([], 0, c.page, c.page_size)
    if not c.asks_anything:
        return empty
    match = _match(c, scope, ranked=c.sort == "relevance")
    order = "published DESC NULLS LAST, id"
    if c.has_text and c.sort == "relevance":
        order = f"tier, score DESC, {order}"
    # The matches are found once, whole (MATERIALIZED: planned without the LIMIT, which
    # PostgreSQL would otherwise hope to stop early for), then counted and paged.
    rows = fetch_all(
        f"WITH found AS MATERIALIZED (SELECT a.id AS id, {match.tier} AS tier, "  # noqa: S608
        f"{match.score} AS score, {PUBLICATION_DATE} AS published FROM {match.source} {JOINS} "
        f"WHERE {match.condition}) SELECT id, score, (SELECT COUNT(*) FROM found) FROM found "
        f"ORDER BY {order} LIMIT %s OFFSET %s",
        [*match.source_params, *match.condition_params, c.page_size, c.offset],
    )
    if not rows:
        if c.page == 1:
            return empty
        total = fetch_all(
            f"SELECT COUNT(*) FROM {match.source} {JOINS} WHERE {match.condition}",  # noqa: S608
            [*match.source_params, *match.condition_params],
        )[0][0]
        return SearchPage([], total, c.page, c.page_size)
    return SearchPage(_hits(c, rows), rows[0][2], c.page, c.page_size)


def journal_counts(
    params: SearchParams, scope: AccessScope | None = None, limit: int = 10
) -> list[tuple[str, str, int]]:
    """(code, title, hits) of the journals with most results, for narrowing a search."""
    c = criteria(params)
    if not c.asks_anything:
        return []
    match = _match(c, scope, ranked=False)
    return [
        (code, title, n)
        for code, title, n in fetch_all(
            f"SELECT j.code, j.title, COUNT(*) FROM {match.source} {JOINS} "  # noqa: S608
            f"WHERE {match.condition} GROUP BY j.id, j.code, j.title ORDER BY 3 DESC, j.title "
            "LIMIT %s",
            [*match.source_params, *match.condition_params, limit],
        )
    ]


def article_types() -> list[str]:
    """The article types readers can find, for the filter's choices (a scan of the
    articles, so kept for ARTICLE_TYPES_SECONDS)."""

    def scan() -> list[str]:
        types = Article.objects.visible().exclude(article_type="").values_list("article_type")
        return sorted(t for (t,) in types.distinct().order_by())

    return cache.get_or_set("discovery:search:article-types", scan, ARTICLE_TYPES_SECONDS)


def exact_match(params: SearchParams) -> str:
    """The page a DOI or ISSN search goes straight to (the article, the journal), or ""."""
    q = clean(params.q)
    doi = as_doi(params.doi) or (as_doi(q) if not clean(params.doi) else "")
    if doi:
        found = Article.objects.visible().filter(doi_key=doi.lower()).values_list("doi")[:1]
        return next((reverse("reader:article", args=[d]) for (d,) in found), "")
    issn = as_issn(params.issn) or (as_issn(q) if not clean(params.issn) else "")
    if issn:
        journals = Journal.objects.filter(Q(issn_print=issn) | Q(issn_online=issn))
        return next((j.get_absolute_url() for j in journals.order_by("code")[:1]), "")
    return ""


def _match(c: Criteria, scope: AccessScope | None, ranked: bool = True) -> TextMatch:
    """The backend's text match (or all articles when no words are asked for), with the
    filters added to its WHERE."""
    engine = backend()
    filters, filter_params = where(c, scope, timezone.now().date(), engine.YEAR_OF_DATE)
    if not c.has_text:
        return TextMatch("catalog_article a", [], filters, filter_params, "0.0", "1")
    match = engine.source(c, ranked=ranked)
    condition = f"{match.condition} AND {filters}" if match.condition else filters
    return TextMatch(
        match.source,
        match.source_params,
        condition,
        match.condition_params + filter_params,
        match.score,
        match.tier,
    )


def _hits(c: Criteria, rows: list[tuple]) -> list[Hit]:
    ids = [row[0] for row in rows]
    articles = Article.objects.filter(pk__in=ids).select_related("journal", "issue")
    articles = articles.only(
        *("id", "doi", "title", "title_html", "published_online", "is_open_access"),
        *("article_type", "abstracts", "journal__title", "journal__code"),
        *("is_free_to_read", "journal__is_open_access", "issue__year"),
    )
    by_id = {a.pk: a for a in articles}
    names: dict[int, list[str]] = {}
    authors = Contributor.objects.filter(article_id__in=ids, role="author").order_by(
        "article_id", "position"
    )
    for article_id, *parts in authors.values_list(
        "article_id", "given_names", "surname", "suffix", "collab"
    ):
        names.setdefault(article_id, []).append(display_name(*parts))
    snippets = backend().snippets(c, ids) if c.has_text else {}
    hits = []
    for pk, score, _ in rows:
        article = by_id.get(pk)
        if article is None:  # deleted since the page was read
            continue
        hits.append(_hit(article, float(score or 0), names.get(pk, []), snippets.get(pk)))
    return hits


def _hit(article: Article, score: float, names: list[str], snippet) -> Hit:
    online = article.published_online
    issue_year = article.issue.year if article.issue_id and article.issue else None
    return Hit(
        article_id=article.pk,
        doi=article.doi,
        title=article.title,
        byline=byline(names),
        journal_title=article.journal.title,
        journal_code=article.journal.code,
        year=issue_year or (online.year if online else None),
        snippet_html=_snippet_html(article, snippet),
        score=score,
        title_html=article.title_html,
        is_open_access=article.is_open_access or article.journal.is_open_access,
        published_online=online,
        article_type=article.article_type,
        path=article.get_absolute_url(),
    )


def _snippet_html(article: Article, snippet: tuple[str, str] | None) -> str:
    """The abstract's words around the hits; words of the full text only where every
    reader may read it (open access or free, as `access.decision` reads the article): a
    result list is not a way round the access decision."""
    if snippet is not None:
        abstract, body = snippet
        open_to_all = article.is_open_access or article.is_free_to_read
        body_only = MARK_START in body and MARK_START not in abstract
        chosen = body if body_only and open_to_all else abstract
        return highlight_html(chosen)
    abstract = article.main_abstract
    text = plain_text(abstract["html"]) if abstract else ""
    if len(text) > BROWSE_SNIPPET_CHARS:
        text = text[:BROWSE_SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return highlight_html(text)
