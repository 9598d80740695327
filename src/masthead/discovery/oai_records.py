"""Which articles are OAI-PMH records, their datestamps, and pages of them: the queries.

Records are the articles readers may find (`Article.objects.visible()`), plus the ones
staff took down: an unpublished article whose publication date has come (so the flag is
all that hides it) is a deleted record, its datestamp the edit that unpublished it.
Nothing records whether such an article was ever visible, so a draft kept unpublished
past its date would show as deleted too (harmless to a harvester, which had nothing to
delete); an article staff delete outright leaves no trace. That is why Identify says
`transient` (see oai.py).

The datestamp is the later of `updated_at` and `published_online` at 00:00 UTC, as one
SQL expression: it moves when an article is edited and when its embargo lifts (the date
comes after the last edit). It filters in SQL; pages are keyset pages over the article id
(see `page`).
"""

from __future__ import annotations

from django.db.models import Count, DateTimeField, Max, Min, Prefetch, QuerySet
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone

from masthead.catalog.models import Article, Contributor, Issue, Journal, doi_key
from masthead.citations.deposit_markup import line
from masthead.discovery.oai_model import ArticleData, Header, Person, Record, SetInfo
from masthead.discovery.oai_protocol import (
    Window,
    issue_set_spec,
    oai_identifier,
    parse_set_spec,
)
from masthead.discovery.sitemaps import absolute

# What a metadata record never needs: the full text and the source file (the bulk of a row).
_HEAVY = ("body_html", "back_html", "source_xml", "notes", "funding", "disclosure_html")
_HEADER_FIELDS = ("pk", "doi", "is_published", "journal__code", "issue__volume", "issue__number")


def datestamp_expression():
    """The later of updated_at and published_online at 00:00 UTC (SQLite's MAX() gives
    NULL if either is NULL, hence the COALESCE)."""
    published = Cast("published_online", DateTimeField())
    return Greatest("updated_at", Coalesce(published, "updated_at"), output_field=DateTimeField())


def harvestable() -> QuerySet:
    """Visible articles and deleted records, each with its `datestamp`."""
    today = timezone.now().date()
    withdrawn = Article.objects.filter(is_published=False).exclude(published_online__gt=today)
    return (Article.objects.visible() | withdrawn).annotate(datestamp=datestamp_expression())


def matching(window: Window, set_spec: str = "") -> QuerySet:
    """The records in `window` and in the set `set_spec` (journal, or journal:issue)."""
    records = harvestable()
    if window.start is not None:
        records = records.filter(datestamp__gte=window.start)
    if window.end is not None:
        records = records.filter(datestamp__lt=window.end)
    if set_spec:
        found = parse_set_spec(set_spec)
        if found is None:
            return records.none()
        code, issue = found
        records = records.filter(journal__code=code)
        if issue is not None:
            records = records.filter(issue__volume=issue[0], issue__number=issue[1])
    return records


def extent(records: QuerySet) -> tuple[int, int]:
    """(how many, the highest id): one query, at the first request of a list."""
    found = records.aggregate(n=Count("pk"), last=Max("pk"))
    return found["n"], found["last"] or 0


def page(records: QuerySet, after: int, last: int, size: int, *, metadata: bool) -> list[Article]:
    """Up to `size` + 1 records with after < id <= last, in id order.

    Keyset pages over the id, which never changes: a record edited during a harvest keeps
    its place (sent once, with its latest metadata), and records inserted during it have
    ids beyond `last` (fixed at the first request) and wait for the next harvest, which
    asks `from` the first response's date and finds them by their datestamps. Ordering by
    datestamp instead would move an edited record behind the cursor (sent twice) or, with
    `until` frozen, out of the list (never sent). One query, plus one for contributors.
    """
    chosen = records.filter(pk__gt=after, pk__lte=last).order_by("pk")
    if metadata:
        chosen = (
            chosen.select_related("journal__publisher", "issue")
            .defer(*_HEAVY)
            .prefetch_related(_contributors())
        )
    else:
        chosen = chosen.select_related("journal", "issue").only(*_HEADER_FIELDS)
    return list(chosen[: size + 1])


def find(doi: str, *, metadata: bool) -> Article | None:
    """The record of this DOI (any case), or None."""
    found = harvestable().filter(doi_key=doi_key(doi))
    if not metadata:
        return found.only("pk").first()
    found = found.select_related("journal__publisher", "issue").defer(*_HEAVY)
    return found.prefetch_related(_contributors()).first()


def _contributors() -> Prefetch:
    return Prefetch("contributors", queryset=Contributor.objects.order_by("position"))


def earliest_datestamp():
    return harvestable().aggregate(first=Min("datestamp"))["first"] or timezone.now()


# -- rows to plain data --------------------------------------------------------------------


def record_of(article: Article, repository_id: str, *, metadata: bool) -> Record:
    header = header_of(article, repository_id)
    if header.deleted or not metadata:
        return Record(header)
    return Record(header, article_data(article))


def header_of(article: Article, repository_id: str) -> Header:
    specs = [article.journal.code]
    if article.issue_id is not None:
        specs.append(
            issue_set_spec(article.journal.code, article.issue.volume, article.issue.number)
        )
    return Header(
        identifier=oai_identifier(repository_id, article.doi),
        datestamp=article.datestamp,
        set_specs=tuple(specs),
        deleted=not article.is_published,
    )


def article_data(article: Article) -> ArticleData:
    journal, issue = article.journal, article.issue
    main = article.main_abstract
    abstracts = [main, *article.other_abstracts] if main else []
    return ArticleData(
        doi=article.doi,
        url=absolute(article.get_absolute_url()),
        title=article.title,
        title_html=article.title_html,
        subtitle=article.subtitle,
        language=article.language,
        article_type=article.article_type,
        section=article.section,
        pmid=article.pmid,
        pmcid=article.pmcid,
        journal_code=journal.code,
        journal_title=journal.title,
        journal_abbreviation=journal.abbreviation,
        issn_print=journal.issn_print,
        issn_online=journal.issn_online,
        publisher=journal.publisher.name,
        volume=issue.volume if issue else "",
        issue=issue.number if issue else "",
        issue_title=issue.title if issue else "",
        issue_year=issue.year if issue else None,
        cover_date=issue.cover_date if issue else None,
        first_page=article.first_page,
        last_page=article.last_page,
        elocation_id=article.elocation_id,
        published_online=article.published_online,
        issue_date=article.issue_date,
        received=article.received,
        accepted=article.accepted,
        abstracts=tuple(a for a in abstracts if isinstance(a, dict)),
        keywords=tuple(str(k) for k in article.keywords or () if k),
        subjects=tuple(str(s) for s in article.subjects or () if s),
        license_url=article.license_url,
        license_html=article.license_html,
        copyright_statement=article.copyright_statement,
        is_open_access=article.is_open_access or journal.is_open_access,
        contributors=tuple(_person(c) for c in article.contributors.all()),
    )


def _person(contributor: Contributor) -> Person:
    return Person(
        surname=line(contributor.surname),
        given_names=line(contributor.given_names),
        suffix=line(contributor.suffix),
        collab=line(contributor.collab),
        role=line(contributor.role),
        orcid=line(contributor.orcid),
        corresponding=contributor.is_corresponding,
        affiliations=tuple(contributor.affiliations or ()),
    )


# -- sets ----------------------------------------------------------------------------------


def all_sets() -> list[tuple[tuple[int, int], SetInfo]]:
    """Every set with its keyset key: each journal (key (journal id, 0)), then its issues
    (key (journal id, issue id)). Two queries; a platform has thousands of issues at most."""
    journals = {
        pk: (code, title) for pk, code, title in Journal.objects.values_list("pk", "code", "title")
    }
    keyed = [((pk, 0), SetInfo(code, title)) for pk, (code, title) in journals.items()]
    for issue in Issue.objects.only("journal_id", "volume", "number", "title"):
        code, journal_title = journals[issue.journal_id]
        name = f"{journal_title}, {issue.label}" + (f": {issue.title}" if issue.title else "")
        spec = issue_set_spec(code, issue.volume, issue.number)
        keyed.append(((issue.journal_id, issue.pk), SetInfo(spec, name)))
    keyed.sort(key=lambda item: item[0])
    return keyed
