"""Citation export writers: RIS, BibTeX, EndNote (refer) and CSL-JSON.

Pure Python on purpose (no Django): views build a :class:`CitedWork` and call
:func:`export`. Every value is flattened to a single line before it is written, so hostile
metadata (newlines, a title starting with ``ER  -``, unbalanced braces) cannot end a record
early or break the surrounding syntax.
"""

from __future__ import annotations

import datetime
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["FORMATS", "CitedWork", "ExportFormat", "UnknownFormatError", "export", "to_csl_item"]

_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
# Letters that NFKD does not reduce to ASCII; enough for citation keys.
_FOLD = str.maketrans(
    dict(zip("ßæÆœŒøØłŁđĐþÞı", "ss ae AE oe OE o O l L d D th Th i".split(), strict=True))
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass
class CitedWork:
    title: str
    authors: list[tuple[str, str]]  # (family, given) in order; given may be ""
    journal_title: str = ""
    journal_abbreviation: str = ""
    issn: str = ""
    publisher: str = ""
    volume: str = ""
    issue: str = ""
    first_page: str = ""
    last_page: str = ""
    elocation_id: str = ""
    published: datetime.date | None = None
    doi: str = ""
    url: str = ""
    abstract: str = ""  # plain text
    keywords: list[str] = field(default_factory=list)
    article_type: str = ""  # e.g. "Research Article"
    language: str = "en"
    key: str = ""  # citation key / CSL id; derived when empty (see __post_init__)

    def __post_init__(self) -> None:
        if not self.key.strip():  # first author's family + year, ASCII only: "Ticalau2023"
            family = next((f for f, _ in self.authors if ascii_fold(f)), "")
            stem = ascii_fold(family) or ascii_fold(next(iter(self.title.split()), "")) or "work"
            self.key = stem + (str(self.published.year) if self.published else "")


@dataclass(frozen=True)
class ExportFormat:
    name: str
    media_type: str
    extension: str
    render: Callable[[CitedWork], str]
    label: str = ""  # what a reader sees: "RIS", "BibTeX"


class UnknownFormatError(ValueError, KeyError):
    """Raised by :func:`export` for a format name not in :data:`FORMATS`."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def ascii_fold(text: str) -> str:
    """ASCII letters and digits only: ``"Țicălău"`` -> ``"Ticalau"``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return re.sub(r"[^A-Za-z0-9]", "", decomposed.encode("ascii", "ignore").decode("ascii"))


def clean(value: object) -> str:
    """One line of text: control characters dropped, every whitespace run (newlines,
    U+2028, tabs...) collapsed to a single space, ends stripped."""
    return " ".join(_CONTROL.sub(" ", str(value or "")).split())


def page_range(work: CitedWork, sep: str = "-") -> str:
    first, last = clean(work.first_page), clean(work.last_page)
    return f"{first}{sep}{last}" if first and last and last != first else first


def _people(work: CitedWork) -> list[tuple[str, str]]:
    people = ((clean(family), clean(given)) for family, given in work.authors)
    return [(family, given) for family, given in people if family or given]


def _display_name(family: str, given: str) -> str:
    return f"{family}, {given}" if family and given else family or given


def _tagged(pairs: list[tuple[str, str]], fmt: str, eol: str) -> str:
    lines = [fmt.format(tag, value) for tag, value in pairs if value]
    return eol.join(lines) + eol


# --- RIS -----------------------------------------------------------------------------------


def to_ris(work: CitedWork) -> str:
    """RIS record: ``TY  - JOUR`` first, ``ER  - `` last, CRLF line endings (per the spec)."""
    date = work.published
    pairs = [("TY", "JOUR"), ("TI", clean(work.title))]
    pairs += [("AU", _display_name(*person)) for person in _people(work)]
    pairs += [
        ("PY", str(date.year) if date else ""),
        ("DA", date.strftime("%Y/%m/%d") if date else ""),
        ("T2", clean(work.journal_title)),
        ("JO", clean(work.journal_title)),
        ("J2", clean(work.journal_abbreviation)),
        ("VL", clean(work.volume)),
        ("IS", clean(work.issue)),
        ("SP", clean(work.first_page)),
        ("EP", clean(work.last_page)),
        ("C7", clean(work.elocation_id)),
        ("SN", clean(work.issn)),
        ("PB", clean(work.publisher)),
        ("DO", clean(work.doi)),
        ("UR", clean(work.url)),
        ("AB", clean(work.abstract)),
    ]
    pairs += [("KW", clean(keyword)) for keyword in work.keywords]
    pairs += [("LA", clean(work.language)), ("M3", clean(work.article_type))]
    return _tagged(pairs, "{}  - {}", "\r\n") + "ER  - \r\n"


# --- BibTeX --------------------------------------------------------------------------------

# A lone "\{" would unbalance BibTeX's brace counting, so braces become text commands.
_TEX = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
        **{char: "\\" + char for char in "%&$#_"},
    }
)
# doi/url are verbatim fields: only what breaks the .bib syntax is percent-encoded.
_VERBATIM = str.maketrans({"{": "%7B", "}": "%7D", "\\": "%5C", " ": "%20"})


def tex_escape(value: object) -> str:
    """Escape the LaTeX specials; non-ASCII stays UTF-8 (biber and BibTeX 8-bit accept it)."""
    return clean(value).translate(_TEX)


def _bib_name_part(part: str) -> str:
    escaped = tex_escape(part)
    # Commas or a word "and" inside one name would split it; a brace group keeps it whole.
    if "," in part or re.search(r"\band\b", part, re.IGNORECASE):
        return "{" + escaped + "}"
    return escaped


def _bib_author(family: str, given: str) -> str:
    if not given:  # single-part name (organisation, mononym): keep it literal
        return "{" + tex_escape(family) + "}"
    return f"{_bib_name_part(family)}, {_bib_name_part(given)}" if family else tex_escape(given)


def to_bibtex(work: CitedWork) -> str:
    date = work.published
    fields: list[tuple[str, str]] = [
        ("title", "{{" + tex_escape(work.title) + "}}"),  # double braces keep published casing
        ("author", " and ".join(_bib_author(*person) for person in _people(work))),
        ("journal", tex_escape(work.journal_title)),
        ("shortjournal", tex_escape(work.journal_abbreviation)),
        ("year", str(date.year) if date else ""),
        ("month", _MONTHS[date.month - 1] if date else ""),  # bare standard month macro
        ("volume", tex_escape(work.volume)),
        ("number", tex_escape(work.issue)),
        ("pages", tex_escape(page_range(work, "--"))),
        ("eid", tex_escape(work.elocation_id)),
        ("issn", tex_escape(work.issn)),
        ("publisher", tex_escape(work.publisher)),
        ("doi", clean(work.doi).translate(_VERBATIM)),
        ("url", clean(work.url).translate(_VERBATIM)),
        ("abstract", tex_escape(work.abstract)),
        ("keywords", ", ".join(tex_escape(k) for k in work.keywords if clean(k))),
    ]
    body = ",\n".join(
        f"  {name} = {value if name in ('title', 'month') else '{' + value + '}'}"
        for name, value in fields
        if value
    )
    key = re.sub(r"[^\w.:/+-]", "", clean(work.key), flags=re.ASCII) or "work"
    return f"@article{{{key},\n{body}\n}}\n"


# --- EndNote (refer) -----------------------------------------------------------------------


def to_endnote(work: CitedWork) -> str:
    """EndNote tagged import format (.enw), one ``%X value`` line per field."""
    date = work.published
    pairs = [("%0", "Journal Article"), ("%T", clean(work.title))]
    pairs += [("%A", _display_name(*person)) for person in _people(work)]
    pairs += [
        ("%J", clean(work.journal_title)),
        ("%O", clean(work.journal_abbreviation)),
        ("%V", clean(work.volume)),
        ("%N", clean(work.issue)),
        ("%P", page_range(work) or clean(work.elocation_id)),
        ("%D", str(date.year) if date else ""),
        ("%8", f"{date:%Y-%m-%d}" if date else ""),
        ("%@", clean(work.issn)),
        ("%I", clean(work.publisher)),
        ("%R", clean(work.doi)),
        ("%U", clean(work.url)),
        ("%X", clean(work.abstract)),
    ]
    pairs += [("%K", clean(keyword)) for keyword in work.keywords]
    pairs += [("%9", clean(work.article_type)), ("%G", clean(work.language))]
    return _tagged(pairs, "{} {}", "\n")


# --- CSL-JSON ------------------------------------------------------------------------------


def to_csl_item(work: CitedWork) -> dict:
    """CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html)."""
    item: dict = {
        "id": clean(work.key) or "work",
        "type": "article-journal",
        "title": clean(work.title),
    }
    authors = []
    for family, given in _people(work):
        authors.append({"family": family, "given": given} if given else {"family": family})
    if authors:
        item["author"] = authors
    if work.published:
        date = work.published
        item["issued"] = {"date-parts": [[date.year, date.month, date.day]]}
    optional = {
        "container-title": work.journal_title,
        "container-title-short": work.journal_abbreviation,
        "ISSN": work.issn,
        "publisher": work.publisher,
        "volume": work.volume,
        "issue": work.issue,
        "page": page_range(work),
        "number": work.elocation_id if not page_range(work) else "",
        "DOI": work.doi,
        "URL": work.url,
        "abstract": work.abstract,
        "keyword": ", ".join(clean(k) for k in work.keywords if clean(k)),
        "genre": work.article_type,
        "language": work.language,
    }
    item.update({name: clean(value) for name, value in optional.items() if clean(value)})
    return item


def to_csl_json(work: CitedWork) -> str:
    return json.dumps([to_csl_item(work)], ensure_ascii=False, indent=2) + "\n"


FORMATS: dict[str, ExportFormat] = {
    fmt.name: fmt
    for fmt in (
        ExportFormat("ris", "application/x-research-info-systems", "ris", to_ris, "RIS"),
        ExportFormat("bibtex", "application/x-bibtex", "bib", to_bibtex, "BibTeX"),
        ExportFormat("endnote", "application/x-endnote-refer", "enw", to_endnote, "EndNote"),
        ExportFormat(
            "csl-json", "application/vnd.citationstyles.csl+json", "json", to_csl_json, "CSL-JSON"
        ),
    )
}


def export(work: CitedWork, fmt: str) -> str:
    """Render ``work`` in format ``fmt`` (a key of :data:`FORMATS`)."""
    try:
        renderer = FORMATS[fmt].render
    except (KeyError, TypeError):
        raise UnknownFormatError(
            f"unknown citation format {fmt!r}; known: {sorted(FORMATS)}"
        ) from None
    return renderer(work)
