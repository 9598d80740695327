"""What article pages show of related research: People also read and Recommended articles.

One query, read only when a page is rendered: the stored lists are already ranked and
curated (`related.store`), so the page asks for the first few ranks of both tabs with
what their cards show (title, byline, journal, year) and the article's own "filled from
the content engine" flag. Pages are cached on the article's stamp, which holds
`RelatedArticle.changed_at`, so new lists show on the next request.

Plain SQL: the query starts from the article itself so that the flag comes back even
when there are no lists yet, which the ORM cannot say in one query. It names Django's
default table names; change both together.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from masthead.citations.page import TAB_SIZE  # each tab of the box shows as many
from masthead.related.suggestion import ALSO_READ, KEEP, RECOMMENDED, TABS
from masthead.sql import as_date, fetch_all

_LISTS_SQL = """
SELECT s.also_read_filled, n.tab, n.reason, o.doi, o.title, o.is_published,
       o.published_online, j.title, i.year, r.authors
FROM catalog_article a
LEFT JOIN related_relatedarticle s ON s.article_id = a.id
LEFT JOIN related_neighbour n ON n.article_id = a.id AND n.tab IN ({tabs}) AND n.rank < %s
LEFT JOIN catalog_article o ON o.id = n.other_id
LEFT JOIN catalog_journal j ON j.id = o.journal_id
LEFT JOIN catalog_issue i ON i.id = o.issue_id
LEFT JOIN related_relatedarticle r ON r.article_id = o.id
WHERE a.id = %s
ORDER BY n.tab, n.rank
"""


def lists_sql(tabs: list[str]) -> str:
    return _LISTS_SQL.format(tabs=", ".join(["%s"] * len(tabs)))


@dataclass(frozen=True)
class RelatedItem:
    title: str
    authors: str  # "A, B, C et al."
    journal: str
    year: int | None
    doi: str
    url: str
    reason: str  # why it is listed: "Shares 6 references", "Recommended by the editors"


@dataclass(frozen=True)
class RelatedLists:
    also_read: tuple[RelatedItem, ...] = ()
    recommended: tuple[RelatedItem, ...] = ()
    # Too few readers yet: People also read was filled from the content engine.
    also_read_filled: bool = False
    more_also_read: bool = False  # more are stored than shown: the page links to them
    more_recommended: bool = False

    def of(self, tab: str) -> tuple[RelatedItem, ...]:
        return self.also_read if tab == ALSO_READ else self.recommended


def related_lists(
    article_pk: int, limit: int | None = TAB_SIZE, tab: str | None = None
) -> RelatedLists:
    """The first `limit` visible articles of each tab (of `tab` alone, if given).

    Unpublished and embargoed articles are skipped when the page is rendered (a list is
    stored once a night; publication and embargo change in between), so twice the limit
    is read to fill their places and to know whether there are more.
    """
    if tab is not None and tab not in TABS:
        raise ValueError(f"Unknown related-research tab: {tab!r}")
    tabs = [tab] if tab else list(TABS)  # named, so the index serves article, tab and rank
    ranks = KEEP if limit is None else 2 * limit
    rows = fetch_all(lists_sql(tabs), [*tabs, ranks, article_pk])
    today = timezone.now().date()
    lists: dict[str, list[RelatedItem]] = {ALSO_READ: [], RECOMMENDED: []}
    filled = False
    for row in rows:
        filled, row_tab, reason, doi, title, published, online, journal, year, authors = row
        if row_tab is None or not published or (online and as_date(online) > today):
            continue
        lists[row_tab].append(
            RelatedItem(
                title=title,
                authors=authors or "",
                journal=journal,
                year=year or (as_date(online).year if online else None),
                doi=doi,
                url=reverse("reader:article", args=[doi]),
                reason=reason,
            )
        )
    shown = KEEP if limit is None else limit
    return RelatedLists(
        also_read=tuple(lists[ALSO_READ][:shown]),
        recommended=tuple(lists[RECOMMENDED][:shown]),
        also_read_filled=bool(filled),
        more_also_read=len(lists[ALSO_READ]) > shown,
        more_recommended=len(lists[RECOMMENDED]) > shown,
    )
