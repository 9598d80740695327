"""What an OAI-PMH record is made of, as plain data: the metadata writers (oai_dc.py,
oai_jats.py) and the envelope (oai_xml.py) read these and know nothing of Django."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from masthead.citations.deposit_markup import line


def xml_text(value: object) -> str:
    """`deposit_markup.line` (one line, no character XML 1.0 forbids), with a fast path for
    the usual text that needs no change: the writers call this for every value."""
    if isinstance(value, str) and value.isprintable() and value == value.strip():
        if "  " not in value:
            return value
    return line(value)


@dataclass(frozen=True)
class Person:
    surname: str = ""
    given_names: str = ""
    suffix: str = ""
    collab: str = ""  # a group author
    role: str = "author"  # JATS contrib-type
    orcid: str = ""
    corresponding: bool = False
    affiliations: tuple[dict, ...] = ()  # {"text", "institution", "country", "ror"}

    @property
    def inverted_name(self) -> str:
        """ "Surname, Given", as Dublin Core creators are written; a group's name."""
        if not self.surname:
            return self.collab or self.given_names
        name = ", ".join(p for p in (self.surname, self.given_names) if p)
        return f"{name}, {self.suffix}" if self.suffix else name


@dataclass(frozen=True)
class ArticleData:
    doi: str
    url: str  # the article page, absolute
    title: str
    title_html: str = ""
    subtitle: str = ""
    language: str = ""
    article_type: str = ""
    section: str = ""
    pmid: str = ""
    pmcid: str = ""
    journal_code: str = ""
    journal_title: str = ""
    journal_abbreviation: str = ""
    issn_print: str = ""
    issn_online: str = ""
    publisher: str = ""
    volume: str = ""
    issue: str = ""
    issue_title: str = ""
    issue_year: int | None = None
    cover_date: dt.date | None = None
    first_page: str = ""
    last_page: str = ""
    elocation_id: str = ""
    published_online: dt.date | None = None
    issue_date: dt.date | None = None
    received: dt.date | None = None
    accepted: dt.date | None = None
    abstracts: tuple[dict, ...] = ()  # {"type", "title", "html"}, the main one first
    keywords: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    license_url: str = ""
    license_html: str = ""
    copyright_statement: str = ""
    is_open_access: bool = False
    contributors: tuple[Person, ...] = field(default_factory=tuple)

    @property
    def year(self) -> int | None:
        for day in (self.published_online, self.issue_date, self.cover_date):
            if day:
                return day.year
        return self.issue_year


@dataclass(frozen=True)
class Header:
    identifier: str
    datestamp: dt.datetime
    set_specs: tuple[str, ...] = ()
    deleted: bool = False


@dataclass(frozen=True)
class Record:
    header: Header
    article: ArticleData | None = None  # None for a deleted record


@dataclass(frozen=True)
class SetInfo:
    spec: str
    name: str


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str
