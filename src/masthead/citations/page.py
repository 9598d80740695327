"""What article pages show of citations: the Cited-by list and where references lead.

Read-only, a query each, and only when a page is rendered (pages are cached on the
article's stamp, which changes with its citations).
"""

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.db.models import F
from django.urls import reverse

from masthead.catalog.models import Reference
from masthead.citations.models import Citation

TAB_SIZE = 5  # the Related Research tab; the Cited-by page lists them all


@dataclass(frozen=True)
class CitedByItem:
    title: str
    authors: str  # "A, B, C et al."
    container: str
    year: int | None
    doi: str
    url: str
    hosted: bool  # on this platform: opens here; otherwise at doi.org in a new tab
    from_crossref: bool


def cited_by(article_pk: int, limit: int | None = TAB_SIZE, offset: int = 0) -> list[CitedByItem]:
    """The works citing the article, newest first (by year, then when we learnt of them)."""
    rows = (
        Citation.objects.filter(cited_id=article_pk)
        .order_by(F("year").desc(nulls_last=True), "-found_at", "pk")
        .values_list(
            "title",
            "authors",
            "container",
            "year",
            "citing_doi",
            "citing_article__doi",
            "from_crossref",
        )
    )
    rows = rows[offset : offset + limit] if limit is not None else rows[offset:]
    return [
        CitedByItem(
            title=title or doi,
            authors=byline(authors),
            container=container,
            year=year,
            doi=hosted or doi,  # as registered, when the work is hosted here
            url=reverse("reader:article", args=[hosted]) if hosted else doi_url(doi),
            hosted=bool(hosted),
            from_crossref=from_crossref,
        )
        for title, authors, container, year, doi, hosted, from_crossref in rows
    ]


def byline(names: list[str], shown: int = 3) -> str:
    """How lists of other works show their authors: "A, B, C et al."."""
    names = [n for n in names if n]
    if len(names) > shown:
        return ", ".join(names[:shown]) + " et al."
    return ", ".join(names)


def doi_url(doi: str) -> str:
    return "https://doi.org/" + quote(doi, safe="/:;()<>[]")


@dataclass(frozen=True)
class ReferenceLinks:
    """Where one reference leads: our page, its DOI, or searches to find it."""

    hosted_url: str = ""
    doi_url: str = ""
    pubmed_url: str = ""
    crossref_search_url: str = ""
    pubmed_search_url: str = ""


def reference_links(references: list[Reference]) -> dict[int, ReferenceLinks]:
    """Links for each reference of one article (one query for those hosted here)."""
    if not references:
        return {}
    hosted = dict(
        Citation.objects.filter(
            reference__in=[r.pk for r in references], from_corpus=True
        ).values_list("reference_id", "cited__doi")
    )
    links = {}
    for ref in references:
        text = _search_text(ref)
        target = hosted.get(ref.pk)
        links[ref.pk] = ReferenceLinks(
            hosted_url=reverse("reader:article", args=[target]) if target else "",
            doi_url=doi_url(ref.doi) if ref.doi else "",
            pubmed_url=f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/" if ref.pmid.isdigit() else "",
            crossref_search_url=(
                "https://search.crossref.org/search/works?"
                + urlencode({"q": text, "from_ui": "yes"})
                if text and not ref.doi
                else ""
            ),
            pubmed_search_url=(
                "https://pubmed.ncbi.nlm.nih.gov/?" + urlencode({"term": text})
                if text and not ref.doi and not ref.pmid
                else ""
            ),
        )
    return links


def _search_text(ref: Reference) -> str:
    """What to search for: the title and first author, else the printed reference."""
    if ref.article_title:
        first = ref.authors[0][0] if ref.authors and ref.authors[0] else ref.collab
        return " ".join(p for p in (ref.article_title, first, ref.year) if p)[:300]
    return ref.original_text[:300]
