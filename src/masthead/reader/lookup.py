"""Find an article by DOI with the few columns every request needs, in one narrow query.

The whole row (abstracts, body, references) is loaded only when a page must be rendered;
a page served from the cache needs no more than this.
"""

from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone

from masthead.catalog.models import Article, doi_key
from masthead.sql import as_date, fetch_one

# The columns ArticleRef is built from, in its field order (has_full_text last).
_LOOKUP_SQL = """
SELECT a.id, a.doi, a.version, a.updated_at, j.updated_at, i.updated_at, a.is_published,
       a.is_open_access, j.is_open_access, a.is_free_to_read, a.journal_id, a.issue_id,
       a.body_html <> '', a.published_online, i.year, i.volume, c.cited_by, c.changed_at,
       r.changed_at
FROM catalog_article a
JOIN catalog_journal j ON j.id = a.journal_id
LEFT JOIN catalog_issue i ON i.id = a.issue_id
LEFT JOIN citations_citationsummary c ON c.article_id = a.id
LEFT JOIN related_relatedarticle r ON r.article_id = a.id
WHERE a.doi = %s
"""


@dataclass(frozen=True)
class ArticleRef:
    pk: int
    doi: str
    version: int
    updated_at: object  # as the database driver gives it: only ever printed into keys
    journal_updated_at: object
    issue_updated_at: object
    is_published: bool
    article_open_access: bool
    journal_open_access: bool
    is_free_to_read: bool
    journal_id: int
    issue_id: int | None
    has_full_text: bool
    year: int | None = None  # of publication (the issue's year, else the online date's)
    volume: int | None = None
    cited_by: int = 0  # the merged citation count (`citations.store`)
    citations_changed_at: object = None  # when its citations or reference links changed
    related_changed_at: object = None  # when its Related Research lists changed

    @property
    def is_open_access(self) -> bool:
        return self.article_open_access or self.journal_open_access

    @property
    def stamp(self) -> str:
        """Changes whenever anything shown on the article's pages changes."""
        changed = (
            self.updated_at,
            self.journal_updated_at,
            self.issue_updated_at,
            self.citations_changed_at,
            self.related_changed_at,
        )
        return f"{self.pk}:{self.version}:" + ":".join(str(t).replace(" ", "T") for t in changed)


def find_article(doi: str, preview: bool = False) -> ArticleRef:
    """The published article with this DOI (DOIs are case-insensitive), or 404.

    With `preview` (staff), unpublished and embargoed articles are found too, marked
    unpublished, so that the access decision answers with a staff preview.

    Plain SQL: this runs on every article request, and building the equivalent ORM query
    cost more than running it.
    """
    row = fetch_one(_LOOKUP_SQL, [doi])
    if row is None:  # rare: a DOI typed in another case
        canonical = Article.objects.filter(doi_key=doi_key(doi)).values_list("doi", flat=True)[:1]
        row = next((fetch_one(_LOOKUP_SQL, [d]) for d in canonical), None)
    if row is None or not (row[6] or preview):
        raise Http404("No article with this DOI")
    pk, doi, version, changed, journal_changed, issue_changed, *flags, journal, issue = row[:12]
    body, online, issue_year, volume, cited_by, citations_changed, related_changed = row[12:]
    published, article_oa, journal_oa, free = (bool(f) for f in flags)
    if online and as_date(online) > timezone.now().date():
        if not preview:
            raise Http404("No article with this DOI")  # embargoed until its publication date
        published = False
    return ArticleRef(
        pk,
        doi,
        version,
        changed,
        journal_changed,
        issue_changed,
        published,
        article_oa,
        journal_oa,
        free,
        journal,
        issue,
        has_full_text=bool(body),
        year=issue_year or (as_date(online).year if online else None),
        volume=int(volume) if volume and str(volume).isdigit() else None,
        cited_by=cited_by or 0,
        citations_changed_at=citations_changed,
        related_changed_at=related_changed,
    )


def load_article(ref: ArticleRef) -> Article:
    """The whole article row, with its journal, publisher and issue, for rendering."""
    article = Article.objects.select_related("journal", "journal__publisher", "issue").get(
        pk=ref.pk
    )
    if article.issue is not None:
        article.issue.journal = article.journal  # the same row: spare the page a query
    return article
