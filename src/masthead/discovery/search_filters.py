"""What a search asks, checked (`criteria`), and the SQL conditions of its filters
(`where`). Pure: plain data in, an SQL fragment with parameters out; values only ever
travel as parameters. The SQL is the same on SQLite and PostgreSQL but for the year of
a date, which the backend hands in.

The article, its journal and its issue are `a`, `j` and `i` in the query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from masthead.access.decision import GrantTerms, LicenceTerms
from masthead.discovery.search_query import Query, QueryError, as_doi, as_issn, clean, parse

SORTS = ("relevance", "date")
MAX_PAGE_SIZE = 100
MAX_RESULTS = 1000  # the deepest a reader can page: past it, a search wants narrowing
YEARS = (1000, 9999)


@dataclass(frozen=True)
class AccessScope:
    """What a reader may read, as the access decision sees it (`search_access.py` builds it
    from a request): their institutions' licences, their own grants, and the time."""

    now: dt.datetime
    institution_ids: tuple[int, ...] = ()
    licences: tuple[LicenceTerms, ...] = ()
    grants: tuple[GrantTerms, ...] = ()
    # The issues whose volume a licence's volume range covers, for licences that have one.
    licence_issues: dict[int, tuple[int, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class TextMatch:
    """A backend's part of a text search: FROM (binding the article as `a`) and WHERE,
    each with its parameters, and the SQL of the rank: the tier (1: every term in the
    fields other than the body; 2: matched through the body) and the score within it."""

    source: str
    source_params: list
    condition: str
    condition_params: list
    score: str
    tier: str


@dataclass(frozen=True)
class Criteria:
    query: Query = Query()
    title: Query = Query()
    author: Query = Query()
    doi: str = ""
    issn: str = ""
    journal: str = ""
    year_from: int | None = None
    year_to: int | None = None
    article_type: str = ""
    open_access: bool = False
    accessible_only: bool = False
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20

    @property
    def has_text(self) -> bool:
        return bool(self.query or self.title or self.author)

    @property
    def asks_anything(self) -> bool:
        filters = (self.doi, self.issn, self.journal, self.year_from, self.year_to)
        more = (self.article_type, self.open_access, self.accessible_only)
        return self.has_text or any(v is not None and v != "" for v in filters) or any(more)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def criteria(params) -> Criteria:
    """Check and parse SearchParams. Raises QueryError with a message for the reader."""
    q = clean(params.q)
    doi = as_doi(params.doi) if clean(params.doi) else as_doi(q)
    if clean(params.doi) and not doi:
        raise QueryError(f"{clean(params.doi)[:80]!r} is not a DOI (10.NNNN/...).")
    issn = as_issn(params.issn) if clean(params.issn) else ("" if doi else as_issn(q))
    if clean(params.issn) and not issn:
        raise QueryError(f"{clean(params.issn)[:20]!r} is not an ISSN (NNNN-NNNN).")
    if (doi and doi == as_doi(q)) or (issn and issn == as_issn(q)):
        q = ""  # the identifier is the search
    found = Criteria(
        query=parse(q),
        title=parse(params.title, "title"),
        author=parse(params.author, "author"),
        doi=doi.lower(),
        issn=issn,
        journal=clean(params.journal)[:64],
        year_from=_year(params.year_from, "From year"),
        year_to=_year(params.year_to, "To year"),
        article_type=clean(params.article_type)[:64],
        open_access=bool(params.open_access),
        accessible_only=bool(params.accessible_only),
        sort=params.sort or "relevance",
        page=params.page,
        page_size=params.page_size,
    )
    _check(found)
    return found


def _check(c: Criteria) -> None:
    if c.sort not in SORTS:
        raise QueryError(f"Sort by {' or '.join(SORTS)}.")
    if not 1 <= c.page_size <= MAX_PAGE_SIZE:
        raise QueryError(f"A page holds 1 to {MAX_PAGE_SIZE} results.")
    if c.page < 1 or c.offset >= MAX_RESULTS:
        raise QueryError(
            f"Results can be paged through to number {MAX_RESULTS:,}; "
            "please narrow the search to see others."
        )
    if c.year_from and c.year_to and c.year_from > c.year_to:
        raise QueryError("The first year comes after the last.")
    fields = (c.query, c.title, c.author)
    if any(f.excluded for f in fields) and not any(f.included for f in fields):
        raise QueryError("Add a word to look for: a search of excluded words alone finds nothing.")


def _year(value, label: str) -> int | None:
    if value in (None, ""):
        return None
    if not isinstance(value, int) or not YEARS[0] <= value <= YEARS[1]:
        raise QueryError(f"{label} must be a year, like 2021.")
    return value


def year_expression(year_of_date: str) -> str:
    """The publication year as the access decision counts it (`reader.lookup`): the
    issue's year, else the year of the online date."""
    return f"COALESCE(i.year, {year_of_date.format(column='a.published_online')})"


def where(
    c: Criteria, scope: AccessScope | None, today: dt.date, year_of_date: str
) -> tuple[str, list]:
    """The conditions every search applies: what readers may find (published, and not
    under embargo: `Article.objects.visible()`), then the reader's filters."""
    year = year_expression(year_of_date)
    conditions = ["a.is_published", "(a.published_online IS NULL OR a.published_online <= %s)"]
    params: list = [today]
    for sql, value in (
        ("a.doi_key = %s", c.doi),
        ("j.code = %s", c.journal),
        ("a.article_type = %s", c.article_type),
        (f"{year} >= %s", c.year_from),
        (f"{year} <= %s", c.year_to),
    ):
        if value:
            conditions.append(sql)
            params.append(value)
    if c.issn:
        conditions.append("(j.issn_print = %s OR j.issn_online = %s)")
        params += [c.issn, c.issn]
    if c.open_access:
        conditions.append("(a.is_open_access OR j.is_open_access)")
    if c.accessible_only and scope is not None:
        sql, more = accessible(scope, year)
        conditions.append(sql)
        params += more
    return " AND ".join(conditions), params


def accessible(scope: AccessScope, year: str) -> tuple[str, list]:
    """Articles the access decision lets this reader read in full (`access.decision`):
    open access, free to read, under a licence of one of their institutions (a licence
    with a concurrent-user limit counts, as on the article page), or a grant of theirs."""
    alternatives = ["a.is_open_access", "j.is_open_access", "a.is_free_to_read"]
    params: list = []
    today = scope.now.date()
    for licence in scope.licences:
        if licence.institution_id not in scope.institution_ids:
            continue
        sql, more = _licence(licence, scope.licence_issues.get(licence.licence_id), today, year)
        if sql:
            alternatives.append(sql)
            params += more
    # `GrantTerms.covers`: a grant is for its article, else its issue, else its journal.
    covered: dict[str, set[int]] = {"a.id": set(), "a.issue_id": set(), "a.journal_id": set()}
    for grant in scope.grants:
        if not grant.starts_at <= scope.now < grant.ends_at:
            continue
        if grant.article_id is not None:
            covered["a.id"].add(grant.article_id)
        elif grant.issue_id is not None:
            covered["a.issue_id"].add(grant.issue_id)
        elif grant.journal_id is not None:
            covered["a.journal_id"].add(grant.journal_id)
    for column, ids in covered.items():
        if ids:
            alternatives.append(f"{column} IN ({', '.join(['%s'] * len(ids))})")
            params += sorted(ids)
    return "(" + " OR ".join(alternatives) + ")", params


def _licence(licence: LicenceTerms, issues, today: dt.date, year: str) -> tuple[str, list]:
    """`LicenceTerms.covers` as SQL: the journal, the year and volume ranges, and either
    the licence's period or its perpetual-access years."""
    current = licence.starts_on <= today and (licence.ends_on is None or today <= licence.ends_on)
    perpetual = (licence.perpetual_first_year, licence.perpetual_last_year)
    if not current and perpetual == (None, None):
        return "", []
    parts, params = ["a.journal_id = %s"], [licence.journal_id]
    ranges = [(licence.first_year, licence.last_year)]
    if not current:
        ranges.append(perpetual)
    for low, high in ranges:
        for op, bound in ((">=", low), ("<=", high)):
            if bound is not None:
                parts.append(f"{year} {op} %s")
                params.append(bound)
        if (low, high) != (None, None):
            parts.append(f"{year} IS NOT NULL")
    if (licence.first_volume, licence.last_volume) != (None, None):
        ids = sorted(issues or ())
        parts.append(f"a.issue_id IN ({', '.join(['%s'] * len(ids))})" if ids else "1 = 0")
        params += ids
    return "(" + " AND ".join(parts) + ")", params
