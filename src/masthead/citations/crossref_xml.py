"""Read what Crossref answers: cited-by links, deposit receipts and logs, REST works.

Pure Python (lxml, no Django). Every parser takes the bytes (or, for the REST API, the
decoded JSON `message`) exactly as Crossref sent them and returns plain dataclasses, or
raises `CrossrefError` with Crossref's own message when the answer is an error.

XML is parsed with entity expansion, DTD loading and network access off; a document that
declares entities is refused before it is parsed. Text is kept as text: a title that
contains "<script>" is a title that contains "<script>", and escaping it is the page's job.

Element names are matched without their namespace: Crossref's cited-by service answers in
`http://www.crossref.org/qrschema/3.0` today and answered in `.../qrschema/2.0` before, with
the same element names; submission logs have no namespace at all.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from masthead.citations.citation_text import year_of
from masthead.citations.doi import normalize_doi
from masthead.citations.works import CitingWork
from masthead.jats.safe_xml import local_name, make_parser

MAX_XML_BYTES = 50 * 1024 * 1024

_PROLOG_BYTES = 1 << 16
_DOCTYPE = re.compile(rb"<!DOCTYPE\b[^\[>]*(\[(.*?)\])?\s*>", re.DOTALL | re.IGNORECASE)
_LOGIN_WORDS = re.compile(
    r"log\s*-?in|password|authenticat|unauthori[sz]ed|not authori[sz]ed|credential|"
    r"access denied|permission",
    re.IGNORECASE,
)


class CrossrefError(Exception):
    """Crossref answered with an error, or with something that is not a usable answer."""


class CrossrefUnavailable(CrossrefError):
    """Crossref could not be reached or was overloaded (after the client's retries)."""


class CrossrefAuthError(CrossrefError):
    """Crossref refused the member's credentials."""


def error_for(message: str) -> CrossrefError:
    """The error for one of Crossref's messages: a refused login is a `CrossrefAuthError`."""
    kind = CrossrefAuthError if _LOGIN_WORDS.search(message) else CrossrefError
    return kind(message)


# --- cited-by (getForwardLinks) -------------------------------------------------------------


@dataclass(frozen=True)
class ForwardLink:
    """One work that cites one of the member's DOIs (`cited_doi`, in its compared form)."""

    cited_doi: str
    work: CitingWork


# The children of <forward_link>, what each is, and where its title and container are.
_CITE_KINDS = {
    "journal_cite": "journal_article",
    "conf_cite": "conference_paper",
    "book_cite": "book",
    "dissertation_cite": "dissertation",
    "report_cite": "report",
    "standard_cite": "standard",
    "database_cite": "dataset",
    "postedcontent_cite": "posted_content",
}
_TITLE_ELEMENTS = ("article_title", "paper_title", "title", "volume_title")
_CONTAINER_ELEMENTS = {
    "journal_cite": ("journal_title", "journal_abbreviation"),
    "conf_cite": ("volume_title", "series_title"),
    "book_cite": ("series_title",),
    "dissertation_cite": ("institution_name",),
    "report_cite": ("series_title", "institution_name"),
    "standard_cite": ("series_title", "institution_name"),
    "database_cite": ("institution_name",),
    "postedcontent_cite": (),
}
# A <query> status that means the question was not answered.
_FAILED_QUERY = {"unresolved", "malformed", "system-error"}
_BUSY_QUERY = {"system-too-busy", "system-unavailable"}


def parse_forward_links(xml: bytes) -> list[ForwardLink]:
    """The cited-by links in a getForwardLinks answer (query output schema 3.0, or 2.0).

    A book chapter (`book_cite` whose DOI is typed `book_content`) is a `book_chapter`; a
    citing work without a (valid) DOI is left out, as it could be neither linked nor merged.
    An answer that holds no link but a message (a refused login, a failed query) raises
    `CrossrefError` (`CrossrefAuthError` for a login) with Crossref's message; so does an
    answer that is not a cited-by result at all (an HTML error page, plain text).
    """
    root = _parse(xml, "cited-by answer")
    if local_name(root) != "crossref_result":
        raise _not_expected(root, "a cited-by result (<crossref_result>)")
    links: list[ForwardLink] = []
    messages: list[str] = []
    busy = False
    for element in root.iter(etree.Element):
        name = local_name(element)
        if name == "forward_link":
            cited = normalize_doi(element.get("doi", ""))
            for child in element:
                kind = _CITE_KINDS.get(local_name(child))
                work = _cite_work(child, kind) if kind is not None else None
                if work is not None and work.doi and cited:  # a link needs both DOIs
                    links.append(ForwardLink(cited, work))
        elif name == "msg":
            messages.append(_text(element))
        elif name == "query":
            status = element.get("status", "")
            busy = busy or status in _BUSY_QUERY
            if status in _FAILED_QUERY | _BUSY_QUERY:
                messages.append(f"query {status}")
    messages = [m for m in messages if m]
    if messages and not links:
        message = "; ".join(dict.fromkeys(messages))
        raise CrossrefUnavailable(message) if busy else error_for(message)
    return links


def _cite_work(cite: etree._Element, kind: str) -> CitingWork:
    name = local_name(cite)
    doi_element = _child(cite, "doi")
    if name == "book_cite" and doi_element is not None:
        if doi_element.get("type") in {"book_content", "component"}:
            kind = "book_chapter"
    title = next((t for t in (_child_text(cite, n) for n in _TITLE_ELEMENTS) if t), "")
    journal = next((t for t in (_child_text(cite, n) for n in _CONTAINER_ELEMENTS[name]) if t), "")
    if name == "book_cite" and title == journal:
        journal = ""
    return CitingWork(
        doi=normalize_doi(_text(doi_element) if doi_element is not None else ""),
        title=title,
        authors=_authors(_child(cite, "contributors")),
        journal=journal,
        year=year_of(_child_text(cite, "year")),
        volume=_child_text(cite, "volume"),
        issue=_child_text(cite, "issue"),
        first_page=_child_text(cite, "first_page") or _child_text(cite, "item_number"),
        kind=kind,
    )


def _authors(contributors: etree._Element | None) -> tuple[str, ...]:
    """Display names of the authors, the first author first, then in document order.

    Editors, translators and chairs are not authors; a contributor without a role is.
    """
    if contributors is None:
        return ()
    first: list[str] = []
    others: list[str] = []
    for person in contributors:
        name = local_name(person)
        if name not in {"contributor", "organization"}:
            continue
        if person.get("contributor_role", "author") != "author":
            continue
        if name == "organization":
            display = _text(person)
        else:
            parts = [_child_text(person, n) for n in ("given_name", "surname", "suffix")]
            display = " ".join(p for p in parts if p)
        if not display:
            continue
        is_first = person.get("sequence") == "first" or person.get("first-author") == "true"
        (first if is_first else others).append(display)
    return tuple(first + others)


# --- deposits: the upload's receipt and the submission log ----------------------------------


@dataclass(frozen=True)
class SubmissionReceipt:
    """The deposit endpoint's immediate answer: queued for processing, or refused."""

    accepted: bool
    message: str


def parse_deposit_response(html_or_text: bytes) -> SubmissionReceipt:
    """Read the short page the deposit endpoint answers an upload with.

    Crossref answers "SUCCESS" / "Your batch submission was successfully received." when
    the file is queued; anything else (a FAILURE page, a login page, an empty answer) is
    not an acceptance, and its text is the message.
    """
    title = _page_title(html_or_text)
    text = page_text(re.sub(rb"(?is)<title[^>]*>.*?</title\s*>", b" ", html_or_text))
    received = "your batch submission was successfully received" in text.lower()
    accepted = title.upper() != "FAILURE" and (title.upper() == "SUCCESS" or received)
    message = text
    if title and message.upper().startswith(title.upper()):  # the heading repeats the title
        message = message[len(title) :].strip()
    return SubmissionReceipt(accepted=accepted, message=message or title or "(empty answer)")


@dataclass(frozen=True)
class RecordOutcome:
    """What the log says about one DOI of the batch: Success, Warning or Failure."""

    doi: str
    status: str
    message: str


@dataclass(frozen=True)
class DepositResult:
    """A submission log (`doi_batch_diagnostic`)."""

    status: str  # completed, in_process, queued, unknown_submission
    batch_id: str
    submission_id: str
    records: list[RecordOutcome] = field(default_factory=list)
    success_count: int = 0
    warning_count: int = 0
    failure_count: int = 0
    record_count: int = 0

    @property
    def finished(self) -> bool:
        """Crossref has processed the batch: the records say what became of each DOI."""
        return self.status == "completed"


def parse_submission_log(xml: bytes) -> DepositResult:
    """Read a submission log as `submissionDownload?type=result` returns it.

    A log without a status attribute but with its counts (Crossref's documented example of
    a successful deposit has none) is a completed one. Counts missing from `batch_data` are
    counted from the records.
    """
    root = _parse(xml, "submission log")
    if local_name(root) != "doi_batch_diagnostic":
        raise _not_expected(root, "a submission log (<doi_batch_diagnostic>)")
    records = []
    for diagnostic in _children(root, "record_diagnostic"):
        dois = [normalize_doi(_text(d)) for d in _children(diagnostic, "doi")]
        messages = [_text(m) for m in _children(diagnostic, "msg")]
        records.append(
            RecordOutcome(
                doi=next((d for d in dois if d.startswith("10.")), ""),
                status=diagnostic.get("status", "").strip(),
                message="; ".join(m for m in messages if m),
            )
        )
    batch_data = _child(root, "batch_data")
    status = root.get("status", "").strip() or ("completed" if batch_data is not None else "")

    def count(name: str, status_name: str) -> int:
        value = _int(_child_text(batch_data, name)) if batch_data is not None else None
        if value is None:
            value = sum(1 for r in records if r.status.lower() == status_name)
        return value

    record_count = _int(_child_text(batch_data, "record_count")) if batch_data is not None else None
    return DepositResult(
        status=status,
        batch_id=_child_text(root, "batch_id"),
        submission_id=_child_text(root, "submission_id"),
        records=records,
        success_count=count("success_count", "success"),
        warning_count=count("warning_count", "warning"),
        failure_count=count("failure_count", "failure"),
        record_count=len(records) if record_count is None else record_count,
    )


# --- the REST API's works/{doi} --------------------------------------------------------------

_WORK_KINDS = {
    "journal-article": "journal_article",
    "proceedings-article": "conference_paper",
    "posted-content": "posted_content",
    "book-chapter": "book_chapter",
    "book-section": "book_chapter",
    "book-part": "book_chapter",
    "reference-entry": "book_chapter",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "book-set": "book",
}


def parse_work(message: dict) -> CitingWork:
    """A `CitingWork` from the `message` of a REST API `works/{doi}` answer.

    Every field is read defensively: a field of the wrong type is treated as missing.
    """
    if not isinstance(message, dict):
        raise CrossrefError("the work is not a JSON object")
    doi = normalize_doi(_str(message.get("DOI")))
    if not doi:
        raise CrossrefError("the work has no DOI")
    kind = _str(message.get("type"))
    page = _str(message.get("page")) or _str(message.get("article-number"))
    return CitingWork(
        doi=doi,
        title=_first(message.get("title")),
        authors=_json_authors(message.get("author")),
        journal=_first(message.get("container-title")),
        year=_json_year(message),
        volume=_str(message.get("volume")),
        issue=_str(message.get("issue")),
        first_page=re.split(r"\s*[-\u2013]\s*", page, maxsplit=1)[0] if page else "",
        kind=_WORK_KINDS.get(kind, kind.replace("-", "_") or "journal_article"),
    )


def _json_authors(authors: Any) -> tuple[str, ...]:
    if not isinstance(authors, list):
        return ()
    first: list[str] = []
    others: list[str] = []
    for author in authors:
        if not isinstance(author, dict):
            continue
        parts = [_str(author.get(k)) for k in ("given", "family", "suffix")]
        display = " ".join(p for p in parts if p) or _str(author.get("name"))
        if display:
            (first if author.get("sequence") == "first" else others).append(display)
    return tuple(first + others)


def _json_year(message: dict) -> int | None:
    for key in ("issued", "published", "published-print", "published-online"):
        date = message.get(key)
        parts = date.get("date-parts") if isinstance(date, dict) else None
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            year = parts[0][0]
            if isinstance(year, int) and not isinstance(year, bool):
                return year_of(str(year))
            if isinstance(year, str):
                return year_of(year)
    return None


def _first(values: Any) -> str:
    if isinstance(values, list):
        return next((s for s in (_str(v) for v in values) if s), "")
    return _str(values)


def _str(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float | str):
        return " ".join(str(value).split())
    return ""


# --- shared helpers ----------------------------------------------------------------------------


def page_text(data: bytes, limit: int = 500) -> str:
    """The readable text of an HTML or plain-text answer, on one line, at most `limit` long."""
    text = _decode(data)
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", text)
    text = re.sub(r"(?s)<!--.*?-->|<[^>]*>", " ", text)
    text = " ".join(html.unescape(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _page_title(data: bytes) -> str:
    found = re.search(r"(?is)<title[^>]*>(.*?)</title\s*>", _decode(data))
    return " ".join(html.unescape(found.group(1)).split()) if found else ""


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("iso-8859-1")  # what Crossref's servlets declare


def _parse(data: bytes, what: str) -> etree._Element:
    if len(data) > MAX_XML_BYTES:
        raise CrossrefError(f"the {what} is too large ({len(data)} bytes)")
    start = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:200].lower()  # a UTF-8 BOM is fine
    if not start.startswith(b"<") or start.startswith((b"<!doctype html", b"<html")):
        raise error_for(page_text(data) or f"the {what} is empty")
    doctype = _DOCTYPE.search(data, 0, _PROLOG_BYTES)
    if doctype and doctype.group(2) and b"<!ENTITY" in doctype.group(2).upper():
        raise CrossrefError(f"the {what} declares entities, which are not accepted")
    try:
        root = etree.fromstring(data, make_parser())
    except etree.XMLSyntaxError as exc:
        raise CrossrefError(f"the {what} is not well-formed XML: {exc.msg}") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.entities()):
        raise CrossrefError(f"the {what} declares entities, which are not accepted")
    return root


def _not_expected(root: etree._Element, expected: str) -> CrossrefError:
    if local_name(root).lower() == "html":
        return error_for(_text(root) or "an empty HTML page")
    text = _text(root)
    detail = f": {text[:300]}" if text else ""
    return error_for(f"not {expected} but <{local_name(root)}>{detail}")


def _children(parent: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in parent if local_name(c) == name]


def _child(parent: etree._Element | None, name: str) -> etree._Element | None:
    if parent is None:
        return None
    return next((c for c in parent if local_name(c) == name), None)


def _child_text(parent: etree._Element | None, name: str) -> str:
    element = _child(parent, name)
    return _text(element) if element is not None else ""


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None
