"""What a reader typed into a search box, as plain data: words, "quoted phrases" and
-excluded words. Pure: no Django, no SQL.

Nothing a reader types is ever an operator of the database's search syntax. AND, OR,
NOT, NEAR, `*`, `^`, `:`, parentheses and SQL fragments are words (or, with no letter or
digit in them, nothing); the backends quote every word themselves (`search_sqlite`,
`search_postgres`). Words are split where the full-text tokenizers split them: a run of
letters and digits of any script is one word, anything else separates words, so
"COVID-19" is the phrase "COVID 19".

Snippets come back from the database with MARK_START/MARK_END around the hits: control
characters that are removed from the indexed text, so they can only be the database's.
`highlight_html` escapes the text and only then turns the markers into <mark>.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

MAX_QUERY_CHARS = 500  # per search field: a long title fits
MAX_TERMS = 32  # words and phrases, per search field

MARK_START = "\x02"
MARK_END = "\x03"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script
# A chunk: an optional leading "-", then a "quoted phrase" (unbalanced: to the end) or a
# run of anything but space and quotes.
_CHUNK = re.compile(r'(?P<minus>-)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')
_DOI = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_ISSN = re.compile(r"^(\d{4})-?(\d{3}[\dX])$", re.IGNORECASE)


class QueryError(ValueError):
    """The search cannot run as given; the message says why, in the reader's words."""


@dataclass(frozen=True)
class Term:
    """A word or a phrase. The backends give the database `text`, as the reader typed
    it, so that its own tokenizer splits it as it split the indexed text
    ("excitatory/inhibitory" is one token to PostgreSQL, two to FTS5)."""

    text: str  # without the quotes or the leading "-"
    words: tuple[str, ...]  # its letters-and-digits runs: one word, or a phrase's words
    excluded: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...] = ()

    @property
    def included(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.excluded)

    @property
    def excluded(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.excluded)

    def __bool__(self) -> bool:
        return bool(self.terms)


def clean(text: str | None) -> str:
    """Control characters (NUL included) out, runs of space made one, ends trimmed."""
    return _SPACE.sub(" ", _CONTROL.sub(" ", text or "")).strip()


def parse(text: str | None, field: str = "search") -> Query:
    """The terms of one search field. Raises QueryError past the length and term caps."""
    text = clean(text)
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"The {field} is {len(text):,} characters long; the limit is {MAX_QUERY_CHARS}. "
            "Please shorten it."
        )
    terms: list[Term] = []
    for chunk in _CHUNK.finditer(text):
        source = (chunk["phrase"] if chunk["phrase"] is not None else chunk["word"]).strip()
        words = tuple(_WORD.findall(source))
        term = Term(source, words, excluded=bool(chunk["minus"]))
        if words and term not in terms:
            terms.append(term)
    if len(terms) > MAX_TERMS:
        raise QueryError(
            f"The {field} has {len(terms)} words and phrases; the limit is {MAX_TERMS}. "
            "Please use fewer."
        )
    return Query(tuple(terms))


def as_doi(text: str | None) -> str:
    """The DOI when the whole text is one (bare, doi:..., or a doi.org link), else ""."""
    match = _DOI.match(clean(text))
    return match[1] if match else ""


def as_issn(text: str | None) -> str:
    """The ISSN as NNNN-NNNC when the whole text is one, else ""."""
    match = _ISSN.match(clean(text))
    return f"{match[1]}-{match[2].upper()}" if match else ""


def strip_markers(text: str) -> str:
    """Text as it is indexed: no control characters, so the highlight markers stay unique."""
    return _CONTROL.sub(" ", text)


def highlight_html(text: str) -> str:
    """A snippet as HTML: escaped first, then the markers become balanced <mark> tags."""
    out, inside = [], False
    for part in re.split(f"([{MARK_START}{MARK_END}])", text):
        if part == MARK_START:
            if not inside:
                out.append("<mark>")
                inside = True
        elif part == MARK_END:
            if inside:
                out.append("</mark>")
                inside = False
        else:
            out.append(html.escape(part))
    if inside:
        out.append("</mark>")
    return "".join(out)
