"""Which URLs the sitemaps list: one sitemap per journal (split past 50,000 URLs), each
with its journal page, issue tables of contents and published article pages.

Only what a reader may find: published articles whose publication date has come. Each
article page is the one canonical URL of the article (Google Scholar's inclusion rules).
URLs are absolute, on MASTHEAD_BASE_URL, never on the request's Host header.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.db.models import Count, Max
from django.urls import reverse

from masthead.catalog.models import Article, Issue, Journal
from masthead.discovery.sitemap_xml import MAX_URLS, Location


def absolute(path: str) -> str:
    return settings.MASTHEAD_BASE_URL + path


def index_locations() -> list[Location]:
    """One entry per journal sitemap page, last modified when the journal or its newest
    article was (three queries, whatever the number of journals)."""
    articles = {
        row["journal_id"]: row
        for row in Article.objects.visible()
        .values("journal_id")
        .annotate(shown=Count("pk"), changed=Max("updated_at"))
    }
    issues = dict(
        Issue.objects.values("journal_id").annotate(n=Count("pk")).values_list("journal_id", "n")
    )
    locations = []
    for pk, code, updated in Journal.objects.order_by("code").values_list(
        "pk", "code", "updated_at"
    ):
        shown = articles.get(pk, {"shown": 0, "changed": None})
        urls = 1 + issues.get(pk, 0) + shown["shown"]
        lastmod = max(filter(None, (updated, shown["changed"])))
        for page in range(1, math.ceil(urls / MAX_URLS) + 1):
            locations.append(Location(absolute(journal_sitemap_path(code, page)), lastmod))
    return locations


def journal_sitemap_path(code: str, page: int) -> str:
    return reverse("discovery:journal_sitemap", args=[code, page])


def journal_locations(journal: Journal, page: int) -> list[Location] | None:
    """The URLs of one page of a journal's sitemap, or None past its last page.

    The journal page and its tables of contents come first (a journal has hundreds of
    issues at most), then its articles, sliced in the database: page 3 of a big journal
    does not build the first two.
    """
    if page < 1:
        return None
    head = [Location(absolute(journal.get_absolute_url()), journal.updated_at)]
    for issue in journal.issues.order_by("pk").only("volume", "number", "updated_at"):
        issue.journal = journal
        head.append(Location(absolute(issue.get_absolute_url()), issue.updated_at))
    start = (page - 1) * MAX_URLS
    chosen = head[start : start + MAX_URLS]
    skip = max(0, start - len(head))
    room = MAX_URLS - len(chosen)
    articles = journal.articles.visible().order_by("pk").values_list("doi", "updated_at")
    for doi, changed in articles[skip : skip + room]:
        chosen.append(Location(absolute(reverse("reader:article", args=[doi])), changed))
    if not chosen and page > 1:
        return None
    return chosen
