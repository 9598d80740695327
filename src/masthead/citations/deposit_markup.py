"""Stored HTML as Crossref wants it: face markup in titles, JATS in abstracts.

The platform keeps titles and abstracts as sanitised HTML; a deposit carries titles in
Crossref's face markup (i, b, sub, sup, scp, ...) and abstracts as JATS (jats:p,
jats:sec with jats:title, jats:italic, ...). Tags with no counterpart give up their text;
scripts and styles give up everything. Also the primitives the deposit builder shares:
namespaces, text cleaning, and adding an element.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

XLINK_NS = "http://www.w3.org/1999/xlink"
JATS_NS = "http://www.ncbi.nlm.nih.gov/JATS1"
CROSSREF_NS = "http://www.crossref.org/schema/5.3.1"
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_SPACE = re.compile(r"[ \t\n\r]+")
_URL = re.compile(r"(?:https?|ftp)://\S+", re.IGNORECASE)

# HTML inline tags and what they become: Crossref face markup, and JATS in abstracts.
_FACES = {"i": "i", "em": "i", "b": "b", "strong": "b", "sub": "sub", "sup": "sup"}
_FACES |= {"u": "u", "code": "tt", "tt": "tt", "sc": "scp"}
_JATS_INLINE = {"i": "italic", "em": "italic", "b": "bold", "strong": "bold", "sub": "sub"}
_JATS_INLINE |= {"sup": "sup", "u": "underline", "s": "strike", "code": "monospace"}
_SPAN_CLASSES = {"sc": ("scp", "sc"), "overline": ("ovl", "overline")}
_DROPPED = frozenset({"script", "style", "template", "noscript", "annotation", "annotation-xml"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CONTAINERS = frozenset(
    {"section", "div", "article", "aside", "blockquote", "figure", "header", "footer", "main"}
)


def clean(value: object) -> str:
    """``value`` as text without the characters XML 1.0 forbids."""
    return _FORBIDDEN.sub("", "" if value is None else str(value))


def line(value: object, limit: int | None = None) -> str:
    """One line of text, whitespace collapsed, cut to ``limit`` characters."""
    text = _XML_SPACE.sub(" ", clean(value)).strip()
    return text[:limit].rstrip() if limit else text


def http_url(value: object) -> str:
    text = line(value)
    return text if _URL.fullmatch(text) and len(text) >= 10 else ""


def add(parent: etree._Element, tag: str, text: str = "", ns: str = CROSSREF_NS, **attrib):
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: v for k, v in attrib.items() if v})
    if text:
        element.text = text
    return element


# -- HTML to face markup and JATS ---------------------------------------------------------


def _fragment(html: str) -> etree._Element:
    """Stored (sanitised) HTML as a tree; a parser per call, as lxml parsers are per thread."""
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    return lxml.html.fragment_fromstring(clean(html), create_parent="div", parser=parser)


def _tag(node) -> str:
    return node.tag.lower() if isinstance(node.tag, str) else ""


def _append(element, text: str | None) -> None:
    if not text:
        return
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def _span_class(node, which: int) -> str | None:
    classes = (node.get("class") or "").split()
    return next((_SPAN_CLASSES[c][which] for c in classes if c in _SPAN_CLASSES), None)


def _face(node, parent):
    """The Crossref face-markup element ``node`` becomes, or None to keep only its text."""
    tag = _tag(node)
    name = _span_class(node, 0) if tag == "span" else _FACES.get(tag)
    return add(parent, name) if name else None


def _jats_inline(node, parent):
    tag = _tag(node)
    if tag == "a":
        href = http_url(node.get("href"))
        if not href:
            return None
        return add(parent, "ext-link", ns=JATS_NS, **{"ext-link-type": "uri", _xlink: href})
    name = _span_class(node, 1) if tag == "span" else _JATS_INLINE.get(tag)
    return add(parent, name, ns=JATS_NS) if name else None


_xlink = f"{{{XLINK_NS}}}href"


def _inline_element(node, target, convert) -> None:
    """``node`` (not its tail) into ``target``: mapped, or unwrapped to its text."""
    tag = _tag(node)
    if not tag or tag in _DROPPED:
        return
    if tag == "br":
        _append(target, " ")
        return
    made = convert(node, target)
    _inline_children(node, made if made is not None else target, convert)


def _inline_children(node, target, convert) -> None:
    _append(target, node.text)
    for child in node:
        _inline_element(child, target, convert)
        _append(target, child.tail)


def _squash(element) -> None:
    """Collapse whitespace in mixed content and trim its two ends."""
    for node in element.iter():
        if node.text:
            node.text = _XML_SPACE.sub(" ", node.text)
        if node is not element and node.tail:
            node.tail = _XML_SPACE.sub(" ", node.tail)
    if element.text:
        element.text = element.text.lstrip()
    last = element[-1] if len(element) else None
    if last is not None and last.tail:
        last.tail = last.tail.rstrip()
    elif last is None and element.text:
        element.text = element.text.rstrip()


class _Box:
    """An abstract or section: paragraphs first, then sections, as JATS orders them."""

    def __init__(self, element):
        self.element = element
        self.last: _Box | None = None

    def paragraph(self):
        return self.last.paragraph() if self.last else add(self.element, "p", ns=JATS_NS)

    def section(self, heading) -> _Box:
        section = add(self.element, "sec", ns=JATS_NS)
        title = add(section, "title", ns=JATS_NS)
        _inline_children(heading, title, _jats_inline)
        _squash(title)
        self.last = _Box(section)
        return self.last


def _abstract(element, abstract: dict) -> None:
    kind = line(abstract.get("type"))
    block = add(element, "abstract", ns=JATS_NS, **{"abstract-type": kind})
    _opt_jats(block, "title", line(abstract.get("title")))
    _blocks(_Box(block), _fragment(abstract.get("html") or ""))
    for paragraph in block.iter(f"{{{JATS_NS}}}p"):
        _squash(paragraph)
    for paragraph in list(block.iter(f"{{{JATS_NS}}}p")):
        if not len(paragraph) and not (paragraph.text or "").strip():
            paragraph.getparent().remove(paragraph)
    if not any(child.tag != f"{{{JATS_NS}}}title" for child in block):
        element.remove(block)


def _opt_jats(parent, tag: str, text: str) -> None:
    if text:
        add(parent, tag, text, ns=JATS_NS)


def _blocks(box: _Box, node) -> None:
    """The children of an HTML block as JATS paragraphs and sections."""
    target = box
    loose: list = [node.text]  # inline content between blocks becomes a paragraph

    def flush() -> None:
        if any(
            item.strip() if isinstance(item, str) else True for item in loose if item is not None
        ):
            paragraph = target.paragraph()
            for item in loose:
                if isinstance(item, str):
                    _append(paragraph, item)
                elif item is not None:
                    _inline_element(item, paragraph, _jats_inline)
        loose.clear()

    for child in node:
        tag = _tag(child)
        if tag in _CONTAINERS:
            flush()
            heading = next((c for c in child if _tag(c) in _HEADINGS), None)
            if heading is not None and heading is child[0]:
                inner = target.section(heading)
                child.remove(heading)
                child.text = (child.text or "") + (heading.tail or "")
                _blocks(inner, child)
            else:
                _blocks(target, child)
        elif tag in _HEADINGS:
            flush()
            target = box.section(child)
        elif tag in ("ul", "ol"):
            flush()
            _list(target.paragraph(), child)
        elif tag in _DROPPED or not tag:
            pass
        elif tag == "p" or tag in ("table", "pre", "dl", "figcaption", "caption", "li"):
            flush()
            _inline_children(child, target.paragraph(), _jats_inline)
        else:
            loose.append(child)
        loose.append(child.tail)
    flush()


def _list(paragraph, node) -> None:
    kind = "order" if _tag(node) == "ol" else "bullet"
    block = add(paragraph, "list", ns=JATS_NS, **{"list-type": kind})
    for item in node:
        if _tag(item) == "li":
            _inline_children(
                item, add(add(block, "list-item", ns=JATS_NS), "p", ns=JATS_NS), _jats_inline
            )
    if not len(block):
        paragraph.remove(block)


def face_title(title: etree._Element, html: str) -> None:
    """Fill a Crossref ``title`` element from a stored HTML title, in face markup."""
    _inline_children(_fragment(html), title, _face)
    _squash(title)


jats_abstract = _abstract
