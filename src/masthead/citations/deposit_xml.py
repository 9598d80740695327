"""The Crossref deposit (schema 5.3.1) that registers a publisher's journal-article DOIs.

``deposit_xml(articles, ...)`` reads catalog rows (journal and issue selected,
contributors and references prefetched) and builds the XML with lxml, so every value is
escaped by the library. One ``<journal>`` per (journal, issue), as Crossref asks; an
article without an issue gets a ``<journal>`` with no ``<journal_issue>``.

What it promises, so that a deposit does not bounce on a stray character:

- Every value loses the characters XML 1.0 forbids (control characters, lone
  surrogates) and one-line values have their whitespace collapsed.
- Values the schema bounds are cut to its maximum length (names 60, suffix 10,
  volume/issue/pages/item number 32, titles of journals 255/150, ...).
- Values the schema (or Crossref's deposit checks) would refuse are left out rather
  than sent: an ISSN or ORCID whose check digit is wrong, a reference DOI that is not
  a DOI, a funder id outside the Funder Registry (10.13039/...), a licence that is not
  an http(s) URL, a language Crossref does not list.
- Dates are never more precise than we know: importers store a year-only or
  month-only cover date as the 1st, so an issue cover date on the 1st is deposited
  without its day, and on 1 January as the year alone.

Left out on purpose: MathML goes as its text (face markup and JATS allow ``mml:math``,
but what we store is HTML MathML never checked against MathML 3); contributors whose
role Crossref has no word for (illustrator, ...) are not sent; a print date is sent
only for journals with a print ISSN (an online-only journal's "collection" year is not
a print date); references that are neither journal articles nor books (data,
software, web pages) keep their text in ``unstructured_citation`` beside the few
structured fields that fit them.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree
from stdnum import issn as issn_check
from stdnum.iso7064 import mod_11_2

from masthead.citations.citation_text import year_of
from masthead.citations.deposit_markup import (
    CROSSREF_NS,
    JATS_NS,
    XLINK_NS,
    face_title,
    http_url,
    jats_abstract,
    line,
)
from masthead.citations.deposit_markup import (
    add as _el,
)
from masthead.citations.doi import clean_doi

if TYPE_CHECKING:
    from masthead.catalog.models import Article, Contributor, Issue, Journal, Reference

__all__ = ["CROSSREF_NS", "JATS_NS", "SCHEMA_VERSION", "Depositor", "deposit_doi", "deposit_xml"]

SCHEMA_VERSION = "5.3.1"
FUNDREF_NS = "http://www.crossref.org/fundref.xsd"
ACCESS_NS = "http://www.crossref.org/AccessIndicators.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{CROSSREF_NS} https://www.crossref.org/schemas/crossref5.3.1.xsd"
NSMAP = {
    None: CROSSREF_NS,
    "xsi": XSI_NS,
    "jats": JATS_NS,
    "fr": FUNDREF_NS,
    "ai": ACCESS_NS,
    "xlink": XLINK_NS,
}

# The language codes Crossref's schema lists (language.atts in common5.3.1.xsd).
LANGUAGES = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs
    cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he
    hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jw ka kg ki kj kk kl km kn ko kr
    ks ku kv kw ky la lb lg li ln lo lt lu lv mg mu mi mk ml mn mr ms mt my na nb nd ne ng
    nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk
    sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz
    ve vi vo wa wo xh yi yo za zh""".split()
)
ROLES = frozenset(
    "author editor chair reviewer review-assistant stats-reviewer reviewer-external reader "
    "translator".split()
)
JOURNAL_REFERENCES = frozenset({"", "journal", "periodical", "article"})
BOOK_REFERENCES = frozenset({"book", "chapter", "book-chapter", "confproc", "report", "thesis"})

# given_name and surname in crossref5.3.1.xsd (XSD patterns match the whole value).
_NAME = re.compile(r"[^\d?]*[^? \t\n\r]+[^\d]*")
_ISSN = re.compile(r"\d{4}-?\d{3}[\dX]")
_ORCID = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])")
_ROR = re.compile(r"(?:https?://)?(?:www\.)?ror\.org/(0[^ilo\W_]{6}\d{2})|(0[^ilo\W_]{6}\d{2})")
_DOI = re.compile(r"10\.[0-9]{4,9}/\S{1,200}")
_FUNDER = re.compile(r"10\.13039/[0-9]+")


@dataclass(frozen=True)
class Depositor:
    name: str
    email: str
    registrant: str


def deposit_xml(
    articles: Sequence[Article],
    *,
    batch_id: str,
    timestamp: int,
    depositor: Depositor,
    url_for: Callable[[Article], str],
) -> bytes:
    """The deposit for ``articles``; ``timestamp`` must grow with every deposit of a DOI."""
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or timestamp < 0:
        raise ValueError(f"timestamp must be a non-negative integer, not {timestamp!r}")
    root = etree.Element(_cr("doi_batch"), nsmap=NSMAP, version=SCHEMA_VERSION)
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    head = _el(root, "head")
    _el(head, "doi_batch_id", line(batch_id, 100))
    _el(head, "timestamp", str(timestamp))
    person = _el(head, "depositor")
    _el(person, "depositor_name", line(depositor.name, 130))
    _el(person, "email_address", line(depositor.email, 200))
    _el(head, "registrant", line(depositor.registrant, 255))
    body = _el(root, "body")
    for group in _by_issue(articles):
        _journal(body, group, url_for)
    # Indenting mixed content would change it: an empty text node keeps it on one line.
    for element in root.iter(_cr("title"), f"{{{JATS_NS}}}p", f"{{{JATS_NS}}}title"):
        element.text = element.text or ""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# -- values ------------------------------------------------------------------------------


def deposit_doi(value: object) -> str:
    """A DOI as the schema takes it ("https://doi.org/10.1/x" -> "10.1/x"), or ""."""
    doi = clean_doi(line(value))
    return doi if _DOI.fullmatch(doi) else ""


def _issn(value: str) -> str:
    text = line(value).upper()
    return text if _ISSN.fullmatch(text) and issn_check.is_valid(text) else ""


def _orcid(value: str) -> str:
    found = _ORCID.search(line(value).upper())
    if not found or not mod_11_2.is_valid("".join(found.groups())):
        return ""
    return "https://orcid.org/" + "-".join(found.groups())


def _ror(value: object) -> str:
    found = _ROR.fullmatch(line(value).lower())
    return f"https://ror.org/{found.group(1) or found.group(2)}" if found else ""


def _funder_id(value: object) -> str:
    bare = clean_doi(line(value))
    return f"https://doi.org/{bare}" if _FUNDER.fullmatch(bare) else ""


def _name(value: str) -> str:
    """A given name or surname the schema's pattern accepts, or ""."""
    text = line(value, 60)
    if text and not _NAME.fullmatch(text):
        text = line(re.sub(r"[\d?]", "", text), 60)
    return text if _NAME.fullmatch(text) else ""


def _language(value: str) -> str | None:
    code = line(value).split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else None


def _role(value: str) -> str | None:
    role = line(value).lower().replace("_", "-").replace(" ", "-")
    if role in ROLES:
        return role
    for word, crossref in (("author", "author"), ("editor", "editor"), ("review", "reviewer")):
        if word in role:
            return crossref
    if "translat" in role:
        return "translator"
    return "author" if not role else None


# -- elements ----------------------------------------------------------------------------


def _cr(tag: str) -> str:
    return f"{{{CROSSREF_NS}}}{tag}"


def _opt(parent: etree._Element, tag: str, text: str) -> None:
    if text:
        _el(parent, tag, text)


def _date(parent, tag: str, parts: tuple[int, int | None, int | None] | None, **attrib):
    if parts is None or not 1400 <= parts[0] <= 2200:
        return None
    year, month, day = parts
    element = _el(parent, tag, **attrib)
    if month:
        _el(element, "month", f"{month:02d}")
        if day:
            _el(element, "day", f"{day:02d}")
    _el(element, "year", str(year))
    return element


def _exact(day: datetime.date | None) -> tuple[int, int, int] | None:
    return (day.year, day.month, day.day) if day else None


def _cover(day: datetime.date | None) -> tuple[int, int | None, int | None] | None:
    """A cover date, without the day (or month) an importer filled in as the 1st."""
    if day is None:
        return None
    if day.day != 1:
        return day.year, day.month, day.day
    return day.year, (day.month if day.month != 1 else None), None


# -- journals and issues -----------------------------------------------------------------


def _by_issue(articles: Iterable[Article]) -> list[list[Article]]:
    groups: dict[tuple[int, int | None], list[Article]] = {}
    for article in articles:
        groups.setdefault((article.journal_id, article.issue_id), []).append(article)
    return list(groups.values())


def _journal(body, group: list[Article], url_for: Callable[[Article], str]) -> None:
    journal: Journal = group[0].journal
    issue: Issue | None = group[0].issue
    element = _el(body, "journal")
    meta = _el(element, "journal_metadata")
    _el(meta, "full_title", line(journal.title, 255) or line(journal.abbreviation, 255))
    _opt(meta, "abbrev_title", line(journal.abbreviation, 150))
    for number, media in ((journal.issn_print, "print"), (journal.issn_online, "electronic")):
        if _issn(number):
            _el(meta, "issn", _issn(number), media_type=media)
    if issue is not None:
        block = _el(element, "journal_issue")
        _date(block, "publication_date", _issue_date(issue, group), media_type=_media(journal))
        if line(issue.volume, 32):
            _el(_el(block, "journal_volume"), "volume", line(issue.volume, 32))
        _opt(block, "issue", line(issue.number, 32))
    for article in group:
        _article(element, article, url_for(article))


def _media(journal: Journal) -> str:
    return "print" if _issn(journal.issn_print) else "online"


def _issue_date(issue: Issue, group: list[Article]):
    if issue.cover_date:
        return _cover(issue.cover_date)
    if issue.year:
        return issue.year, None, None
    known = [
        a.published_online or a.issue_date for a in group if a.published_online or a.issue_date
    ]
    return (min(known).year, None, None) if known else None


# -- articles ----------------------------------------------------------------------------


def _article(parent, article: Article, resource: str) -> None:
    element = _el(
        parent,
        "journal_article",
        publication_type="full_text",
        language=_language(article.language),
    )
    titles = _el(element, "titles")
    _title(titles, article)
    _opt(titles, "subtitle", line(article.subtitle))
    _contributors(element, list(article.contributors.all()))
    abstracts = [a for a in article.abstracts or [] if isinstance(a, dict)]
    for abstract in sorted(abstracts, key=lambda a: bool(a.get("type"))):  # the main one first
        jats_abstract(element, abstract)
    published = _publication_dates(element, article)
    _date(element, "acceptance_date", _exact(article.accepted))
    _pages(element, article)
    _funding(element, article.funding or [])
    _access(element, article, published)
    doi_data = _el(element, "doi_data")
    _el(doi_data, "doi", line(article.doi))
    _el(doi_data, "resource", line(resource))
    _citations(element, list(article.references.all()))


def _title(titles, article: Article) -> None:
    title = _el(titles, "title")
    if article.title_html:
        face_title(title, article.title_html)
    if not "".join(title.itertext()).strip():
        for child in list(title):
            title.remove(child)
        title.text = line(article.title)


def _publication_dates(element, article: Article) -> datetime.date | None:
    """Online and print dates; the first date a licence can start from."""
    journal, issue = article.journal, article.issue
    online = _date(
        element, "publication_date", _exact(article.published_online), media_type="online"
    )
    cover = (issue.cover_date if issue else None) or article.issue_date
    printed = None
    if _issn(journal.issn_print) and cover:
        printed = _date(element, "publication_date", _cover(cover), media_type="print")
    if online is None and printed is None:
        fallback = _issue_date(issue, [article]) if issue else _cover(article.issue_date)
        _date(element, "publication_date", fallback, media_type=_media(journal))
    return article.published_online or cover


def _pages(element, article: Article) -> None:
    first, last = line(article.first_page, 32), line(article.last_page, 32)
    if first:
        pages = _el(element, "pages")
        _el(pages, "first_page", first)
        if last and last != first:
            _el(pages, "last_page", last)
    if line(article.elocation_id, 32):
        item = _el(element, "publisher_item")
        _el(item, "item_number", line(article.elocation_id, 32), item_number_type="article_number")


# -- contributors ------------------------------------------------------------------------


def _contributors(element, contributors: list[Contributor]) -> None:
    people = [(c, _role(c.role)) for c in contributors]
    people = [(c, role) for c, role in people if role]
    if not people:
        return
    block = _el(element, "contributors")
    first_author = next((c for c, role in people if role == "author"), people[0][0])
    for contributor, role in people:
        sequence = "first" if contributor is first_author else "additional"
        surname, given = _name(contributor.surname), _name(contributor.given_names)
        if not surname and given:
            surname, given = given, ""
        if surname:
            person = _el(block, "person_name", sequence=sequence, contributor_role=role)
            _opt(person, "given_name", given)
            _el(person, "surname", surname)
            _opt(person, "suffix", line(contributor.suffix, 10))
            _affiliations(person, contributor.affiliations or [])
            if _orcid(contributor.orcid):
                _el(person, "ORCID", _orcid(contributor.orcid), authenticated="false")
        elif line(contributor.collab, 511):
            group = line(contributor.collab, 511)
            _el(block, "organization", group, sequence=sequence, contributor_role=role)
    if not len(block):
        element.remove(block)


def _affiliations(person, affiliations: list) -> None:
    seen: list[tuple[str, str, str]] = []
    for affiliation in affiliations:
        if isinstance(affiliation, str):
            affiliation = {"text": affiliation}
        if not isinstance(affiliation, dict):
            continue
        text, institution = line(affiliation.get("text")), line(affiliation.get("institution"))
        department = ""
        if institution and institution in text:
            department = line(text.split(institution, 1)[0].rstrip(" ,;"), 255)
        key = (line(institution or text, 1024), _ror(affiliation.get("ror")), department)
        if (key[0] or key[1]) and key not in seen:
            seen.append(key)
    if not seen:
        return
    block = _el(person, "affiliations")
    for name, ror, department in seen:
        institution = _el(block, "institution")
        _opt(institution, "institution_name", name)
        if ror:
            _el(institution, "institution_id", ror, type="ror")
        if len(department) >= 2:
            _el(institution, "institution_department", department)


# -- funding and access ------------------------------------------------------------------


def _funding(element, funding: list) -> None:
    funders: dict[tuple[str, str], list[str]] = {}
    for item in funding:
        if not isinstance(item, dict):
            continue
        key = (line(item.get("funder_name")), _funder_id(item.get("funder_id")))
        if not any(key):
            continue
        awards = funders.setdefault(key, [])
        award_ids = item.get("award_ids") or []
        for award in [award_ids] if isinstance(award_ids, str) else award_ids:
            if line(award) and line(award) not in awards:
                awards.append(line(award))
    if not funders:
        return
    program = _el(element, "program", ns=FUNDREF_NS, name="fundref")
    for (name, funder_id), awards in funders.items():
        group = program
        if len(funders) > 1:
            group = _el(program, "assertion", ns=FUNDREF_NS, name="fundgroup")
        funder = _el(group, "assertion", name, ns=FUNDREF_NS, name="funder_name")
        if funder_id:
            _el(funder, "assertion", funder_id, ns=FUNDREF_NS, name="funder_identifier")
        for award in awards:
            _el(group, "assertion", award, ns=FUNDREF_NS, name="award_number")


def _access(element, article: Article, published: datetime.date | None) -> None:
    free = article.is_open_access or article.is_free_to_read or article.journal.is_open_access
    licence = http_url(article.license_url)
    if not (free or licence):
        return
    program = _el(element, "program", ns=ACCESS_NS, name="AccessIndicators")
    if free:
        _el(program, "free_to_read", ns=ACCESS_NS)
    if licence:
        start = published.isoformat() if published else None
        _el(program, "license_ref", licence, ns=ACCESS_NS, applies_to="vor", start_date=start)


# -- references --------------------------------------------------------------------------


def _citations(element, references: list[Reference]) -> None:
    if not references:
        return
    block = _el(element, "citation_list")
    keys: set[str] = set()
    for reference in references:
        key = base = line(reference.ref_id, 120) or f"ref{reference.position}"
        copy = 1
        while key.lower() in keys:  # keys are unique within a citation list
            copy += 1
            key = f"{base}-{copy}"
        keys.add(key.lower())
        citation = _el(block, "citation", key=key)
        _citation(citation, reference)
        if not len(citation):
            block.remove(citation)
    if not len(block):
        element.remove(block)


def _citation(citation, ref: Reference) -> None:
    kind = line(ref.publication_type).lower()
    authors = ref.authors or []
    first = authors[0] if authors and isinstance(authors[0], (list, tuple)) and authors[0] else None
    author = line(first[0] if first else "") or line(ref.collab)
    year = year_of(line(ref.year))
    fields = {
        "author": author,
        "cYear": str(year) if year else "",
        "article_title": line(ref.article_title),
        "volume": line(ref.volume, 32),
        "first_page": line(ref.first_page, 32),
    }
    source = line(ref.source)
    structured = any(fields.values()) or bool(source)
    if kind in JOURNAL_REFERENCES:
        fields |= {"journal_title": source, "issue": line(ref.issue, 32)}
        fields["elocation_id"] = line(ref.elocation_id)
    elif kind in BOOK_REFERENCES:
        fields |= {"volume_title": source}
    else:  # data, software, web pages, patents...: the structure does not fit, keep the text
        fields = {k: fields[k] for k in ("author", "cYear", "article_title")}
        fields["unstructured_citation"] = line(ref.original_text)
    fields["doi"] = deposit_doi(ref.doi)
    if not structured:
        fields = {"doi": fields["doi"], "unstructured_citation": line(ref.original_text)}
    for tag in (
        "journal_title",
        "volume_title",
        "author",
        "volume",
        "issue",
        "first_page",
        "elocation_id",
        "cYear",
        "doi",
        "article_title",
        "unstructured_citation",
    ):
        _opt(citation, tag, fields.get(tag, ""))
