"""State changes of the content model: importing articles from publisher files.

One function per change; views, management commands, jobs and tests all call these.
An article is written in one transaction: a rejected record leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from masthead.catalog.models import (
    Article,
    Contributor,
    Issue,
    Journal,
    Publisher,
    Reference,
    doi_key,
)
from masthead.jats.model import ArticleRecord, JournalRef, SourceError

# Bump when the parsers change what they produce: re-imports then refresh every article.
IMPORT_FORMAT_VERSION = "1"
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")


class Outcome(StrEnum):
    IMPORTED = "imported"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass
class ImportSummary:
    counts: dict[str, int] = field(default_factory=lambda: {o.value: 0 for o in Outcome})
    rejections: list[str] = field(default_factory=list)

    def add(self, outcome: Outcome, reason: str = "") -> None:
        self.counts[outcome.value] += 1
        if outcome == Outcome.REJECTED:
            self.rejections.append(reason)

    def __str__(self) -> str:
        return ", ".join(f"{n} {name}" for name, n in self.counts.items())


@dataclass
class Importer:
    """Imports records into journals, resolving journals and issues once per batch."""

    publisher: Publisher | None = None
    journal: Journal | None = None  # import everything into this journal when set
    mint_doi_prefix: str = ""  # give records without a DOI one under this prefix
    _journals: dict[tuple, Journal] = field(default_factory=dict)
    _issues: dict[tuple, Issue] = field(default_factory=dict)
    _batch_dois: dict[str, str] = field(default_factory=dict)  # DOI -> source, this batch

    def import_record(self, record: ArticleRecord) -> tuple[Outcome, Article | None]:
        doi = self._doi_for(record)
        first = self._batch_dois.setdefault(doi_key(doi), _label(record))
        if first != _label(record):
            raise SourceError(_label(record), f"DOI {doi} was already imported from {first}")
        digest = _digest(record)
        with transaction.atomic():
            existing = Article.objects.filter(doi_key=doi_key(doi)).order_by().first()
            if existing is not None and existing.source_sha256 == digest:
                return Outcome.UNCHANGED, existing
            journal = self.journal or self._journal_for(record.journal)
            issue = self._issue_for(journal, record)
            article = existing or Article(doi=doi)
            _fill_article(article, record, journal, issue, digest)
            if existing is not None:
                article.version += 1
            article.save()
            if existing is not None:
                article.contributors.all().delete()
                article.references.all().delete()
            _write_children(article, record)
        return (Outcome.UPDATED if existing else Outcome.IMPORTED), article

    def import_all(
        self,
        items: Iterable[ArticleRecord | SourceError],
        summary: ImportSummary,
        progress: Callable[[Outcome], object] | None = None,
    ) -> ImportSummary:
        """Import each item, recording the outcome; a rejected one never stops the rest."""
        for item in items:
            outcome = self._outcome(item, summary)
            if progress is not None:
                progress(outcome)
        return summary

    def _outcome(self, item: ArticleRecord | SourceError, summary: ImportSummary) -> Outcome:
        if isinstance(item, SourceError):
            summary.add(Outcome.REJECTED, str(item))
            return Outcome.REJECTED
        try:
            outcome, _ = self.import_record(item)
        except SourceError as error:
            summary.add(Outcome.REJECTED, str(error))
            return Outcome.REJECTED
        summary.add(outcome)
        return outcome

    def _doi_for(self, record: ArticleRecord) -> str:
        doi = record.doi.strip()
        if not doi and self.mint_doi_prefix:
            local = record.pmid and f"pmid.{record.pmid}" or record.publisher_id
            if local:
                doi = f"{self.mint_doi_prefix}/{local}"
        if not doi:
            raise SourceError(_label(record), 'no DOI (article-id pub-id-type="doi")')
        if not DOI_PATTERN.match(doi):
            raise SourceError(_label(record), f"not a DOI: {doi[:80]!r}")
        return doi

    def _journal_for(self, ref: JournalRef) -> Journal:
        key = (ref.issn_electronic, ref.issn_print, ref.title.casefold())
        if key in self._journals:
            return self._journals[key]
        journal = _find_journal(ref)
        if journal is None:
            journal = Journal.objects.create(
                publisher=self._publisher(ref),
                code=_unique_code(ref.abbreviation or ref.title),
                title=ref.title or ref.abbreviation,
                abbreviation=ref.abbreviation,
                issn_print=ref.issn_print,
                issn_online=ref.issn_electronic,
            )
        self._journals[key] = journal
        return journal

    def _publisher(self, ref: JournalRef) -> Publisher:
        if self.publisher is not None:
            return self.publisher
        name = ref.publisher_name or "Unknown publisher"
        publisher, _ = Publisher.objects.get_or_create(name=name)
        return publisher

    def _issue_for(self, journal: Journal, record: ArticleRecord) -> Issue | None:
        if not record.volume:
            return None
        key = (journal.pk, record.volume, record.issue)
        if key in self._issues:
            return self._issues[key]
        when = record.issue_date or record.published_online
        issue, created = Issue.objects.get_or_create(
            journal=journal,
            volume=record.volume[:32],
            number=record.issue[:32],
            defaults={"year": when.year if when else None, "cover_date": record.issue_date},
        )
        self._issues[key] = issue
        return issue


def _find_journal(ref: JournalRef) -> Journal | None:
    for issn in (ref.issn_electronic, ref.issn_print):
        if issn:
            found = Journal.objects.filter(Q(issn_online=issn) | Q(issn_print=issn)).first()
            if found:
                return found
    if ref.title:
        return Journal.objects.filter(title__iexact=ref.title).first()
    return None


def _unique_code(name: str) -> str:
    base = slugify(name)[:56] or "journal"
    code, n = base, 1
    while Journal.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def _label(record: ArticleRecord) -> str:
    return (
        record.source_name
        or record.doi
        or (record.pmid and f"PMID {record.pmid}")
        or record.title[:60]
        or "record"
    )


def _digest(record: ArticleRecord) -> str:
    payload = IMPORT_FORMAT_VERSION.encode() + (
        record.source_xml.encode() if record.source_xml else repr(asdict(record)).encode()
    )
    return hashlib.sha256(payload).hexdigest()


def _fill_article(
    article: Article, r: ArticleRecord, journal: Journal, issue: Issue | None, digest: str
) -> None:
    article.journal = journal
    article.issue = issue
    for name in (
        "pmid",
        "pmcid",
        "publisher_id",
        "article_type",
        "section",
        "subjects",
        "title",
        "title_html",
        "subtitle",
        "language",
        "first_page",
        "last_page",
        "elocation_id",
        "received",
        "accepted",
        "published_online",
        "issue_date",
        "keywords",
        "funding_statement_html",
        "disclosure_html",
        "license_url",
        "license_html",
        "copyright_statement",
        "is_open_access",
        "body_html",
        "back_html",
        "source_format",
        "source_xml",
    ):
        setattr(article, name, getattr(r, name))
    article.section = r.section[:255]
    article.article_type = r.article_type[:64]
    article.abstracts = [
        {"type": a.abstract_type, "title": a.title, "html": a.html} for a in r.abstracts
    ]
    article.notes = [{"label": n.label, "html": n.html, "id": n.note_id} for n in r.notes]
    article.funding = [asdict(f) for f in r.funding]
    article.source_sha256 = digest
    if issue is not None and r.first_page.isdigit() and len(r.first_page) <= 9:
        article.position = int(r.first_page)
    _check_lengths(article, _label(r))


def _check_lengths(article: Article, label: str) -> None:
    """A value longer than its column is a clear rejection, never a database error."""
    for column in Article._meta.get_fields():
        limit = getattr(column, "max_length", None)
        value = getattr(article, column.attname, None) if limit else None
        if isinstance(value, str) and len(value) > limit:
            raise SourceError(
                label, f"{column.verbose_name} is longer than {limit} characters: {value[:40]!r}"
            )


def _write_children(article: Article, r: ArticleRecord) -> None:
    Contributor.objects.bulk_create(
        Contributor(
            article=article,
            position=i,
            role=c.role[:32],
            given_names=c.name.given_names[:255] if c.name else "",
            surname=c.name.surname[:255] if c.name else "",
            suffix=c.name.suffix[:32] if c.name else "",
            collab=c.collab[:500],
            orcid=c.orcid[:19],
            email=c.email[:254],
            is_corresponding=c.corresponding,
            equal_contrib=c.equal_contrib,
            affiliations=[asdict(a) for a in c.affiliations],
            bio_html=c.bio_html,
        )
        for i, c in enumerate(r.contributors)
    )
    Reference.objects.bulk_create(
        Reference(
            article=article,
            position=i,
            label=ref.label[:64],
            ref_id=ref.ref_id[:64],
            publication_type=ref.publication_type[:32],
            authors=[[a.surname, a.given_names] for a in ref.authors],
            collab=ref.collab[:500],
            article_title=ref.article_title,
            source=ref.source,
            year=ref.year[:16],
            volume=ref.volume[:32],
            issue=ref.issue[:32],
            first_page=ref.first_page[:32],
            last_page=ref.last_page[:32],
            elocation_id=ref.elocation_id[:64],
            publisher=ref.publisher[:500],
            doi=ref.doi[:255],
            pmid=ref.pmid[:16],
            url=ref.url[:1000] if ref.url.startswith(("http://", "https://")) else "",
            original_text=ref.original_text,
        )
        for i, ref in enumerate(r.references)
    )
