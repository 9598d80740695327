"""Plain data that the JATS and PubMed parsers produce and the importer consumes.

Nothing here knows about Django. Text fields named ``*_html`` hold HTML that has
already been sanitised by :mod:`masthead.jats.sanitize`; every other string is
plain text (never HTML).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


class SourceError(ValueError):
    """A publisher file we refuse, with where and why (shown to the editor as is)."""

    def __init__(self, source: str, message: str, line: int | None = None):
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass
class PersonName:
    surname: str
    given_names: str = ""
    suffix: str = ""

    @property
    def display(self) -> str:
        """ "Given Surname", the way the page shows a contributor."""
        return " ".join(p for p in (self.given_names, self.surname, self.suffix) if p)


@dataclass
class Affiliation:
    text: str  # the whole affiliation as one line: "Department, Institution, City, Country"
    institution: str = ""
    country: str = ""
    ror: str = ""


@dataclass
class Contributor:
    name: PersonName | None  # None for a group author (collab)
    collab: str = ""
    role: str = "author"  # JATS contrib-type
    orcid: str = ""  # bare 0000-0000-0000-0000 form
    email: str = ""
    corresponding: bool = False
    equal_contrib: bool = False
    affiliations: list[Affiliation] = field(default_factory=list)
    bio_html: str = ""  # JATS <bio>: "Notes on contributors"

    @property
    def display_name(self) -> str:
        return self.name.display if self.name else self.collab


@dataclass
class Reference:
    label: str = ""  # "1", "Smith 2001"
    ref_id: str = ""  # JATS @id, the target of xref/@rid in the body
    publication_type: str = ""  # journal, book, data, web, ...
    authors: list[PersonName] = field(default_factory=list)
    collab: str = ""
    article_title: str = ""
    source: str = ""  # journal or book title
    year: str = ""
    volume: str = ""
    issue: str = ""
    first_page: str = ""
    last_page: str = ""
    elocation_id: str = ""
    publisher: str = ""
    doi: str = ""
    pmid: str = ""
    url: str = ""
    original_text: str = ""  # the citation as the publisher wrote it, plain text


@dataclass
class Note:
    label: str  # "1"
    html: str
    note_id: str = ""


@dataclass
class Funding:
    funder_name: str
    funder_id: str = ""  # Crossref Funder Registry DOI, e.g. 10.13039/100000002
    award_ids: list[str] = field(default_factory=list)


@dataclass
class Abstract:
    html: str
    abstract_type: str = ""  # "" for the main abstract; JATS @abstract-type otherwise
    title: str = ""  # "Abstract", "eLife digest", ...


@dataclass
class JournalRef:
    title: str
    abbreviation: str = ""  # abbrev-journal-title or nlm-ta
    issn_print: str = ""
    issn_electronic: str = ""
    publisher_name: str = ""


@dataclass
class ArticleRecord:
    """One article as a publisher file describes it."""

    source_format: str  # "jats" or "pubmed"
    journal: JournalRef
    title: str
    title_html: str = ""  # sanitised inline HTML (italics in species names, ...)
    subtitle: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    publisher_id: str = ""
    article_type: str = ""  # JATS @article-type: research-article, editorial, ...
    section: str = ""  # the label readers see: "Forum", "Research Article"
    subjects: list[str] = field(default_factory=list)
    language: str = "en"
    volume: str = ""
    issue: str = ""
    first_page: str = ""
    last_page: str = ""
    elocation_id: str = ""
    received: date | None = None
    accepted: date | None = None
    published_online: date | None = None  # epub
    issue_date: date | None = None  # ppub or collection
    abstracts: list[Abstract] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    contributors: list[Contributor] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)  # ordered footnotes ("Notes")
    disclosure_html: str = ""  # competing interests / disclosure statement
    funding: list[Funding] = field(default_factory=list)
    funding_statement_html: str = ""
    license_url: str = ""
    license_html: str = ""
    copyright_statement: str = ""
    is_open_access: bool = False
    body_html: str = ""  # the rendered, sanitised JATS body ("" for metadata-only)
    back_html: str = ""  # acknowledgements, appendices... rendered from <back>
    references: list[Reference] = field(default_factory=list)
    source_xml: str = ""  # the article's own XML, kept for re-rendering
    source_name: str = ""  # the file (and record) it came from, for messages
