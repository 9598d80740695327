"""Small helpers for reading text and attributes out of publisher XML."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from html.entities import name2codepoint

from lxml import etree

from .safe_xml import local_name

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Elements whose content is never text a reader should see.
XML_WHITESPACE = " \t\r\n"
_XML_SPACE = re.compile(r"[ \t\r\n]+")

DROPPED = frozenset(
    {"script", "style", "iframe", "object", "embed", "applet", "noscript", "template"}
)


def squash(value: str | None) -> str:
    """Collapse runs of XML whitespace to one space and strip the ends (no-break spaces stay)."""
    return _XML_SPACE.sub(" ", value).strip(XML_WHITESPACE) if value else ""


def entity_text(node: etree._Entity) -> str:
    """An unresolved named entity (e.g. &nbsp; from an unloaded DTD) as its character."""
    codepoint = name2codepoint.get(node.name)
    return chr(codepoint) if codepoint else ""


def raw_text(element: etree._Element, separator: str = "", skip: frozenset[str] = DROPPED) -> str:
    """All the text inside ``element`` (not its tail), ``separator`` between child elements."""
    parts: list[str] = [element.text or ""]
    for child in element:
        if child.tag is etree.Entity:
            parts.append(entity_text(child))
        elif isinstance(child.tag, str) and local_name(child) not in skip:
            parts.append(separator)
            parts.append(raw_text(child, separator, skip))
            parts.append(separator)
        parts.append(child.tail or "")
    return "".join(parts)


def text(element: etree._Element | None, separator: str = "") -> str:
    """The whitespace-normalised text of ``element``; "" for None."""
    if element is None:
        return ""
    return squash(raw_text(element, separator))


@lru_cache(maxsize=256)
def _any_namespace(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{{*}}{name}" for name in names) if names else (etree.Element,)


def children(element: etree._Element | None, *names: str) -> Iterator[etree._Element]:
    """Direct child elements with one of ``names`` (any namespace); all elements if none given."""
    if element is None:
        return iter(())
    return element.iterchildren(*_any_namespace(names))


def child(element: etree._Element | None, *names: str) -> etree._Element | None:
    return next(children(element, *names), None)


def descendants(element: etree._Element | None, *names: str) -> Iterator[etree._Element]:
    if element is None:
        return iter(())
    return element.iterdescendants(*_any_namespace(names))


def path(element: etree._Element | None, *steps: str) -> etree._Element | None:
    """Follow direct children by name: ``path(root, "front", "article-meta")``."""
    for step in steps:
        element = child(element, step)
    return element


def child_text(element: etree._Element | None, *names: str) -> str:
    return text(child(element, *names))


def attr(element: etree._Element | None, name: str) -> str:
    if element is None:
        return ""
    return (element.get(name) or "").strip()


def href(element: etree._Element | None) -> str:
    return attr(element, XLINK_HREF) or attr(element, "href")


MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}


def month_number(value: str) -> int | None:
    """1-12 from "3", "03", "Mar", "March", "Spring"; None if unreadable."""
    value = value.strip().lower().rstrip(".")
    if value.isdigit():
        number = int(value)
        return number if 1 <= number <= 12 else None
    return MONTHS.get(value) or SEASONS.get(value)


def make_date(year: str, month: str = "", day: str = "") -> date | None:
    """A date from text parts; a missing (or unreadable) month or day defaults to 1."""
    match = re.search(r"\d{4}", year or "")
    if not match:
        return None
    month_value = month_number(month) if month else None
    day_value = int(day) if day and day.strip().isdigit() else 1
    try:
        return date(int(match.group()), month_value or 1, day_value)
    except ValueError:
        try:
            return date(int(match.group()), month_value or 1, 1)
        except ValueError:
            return None


def iso_date(value: str) -> date | None:
    """ "2016-03-01", "2016-03" or "2016" (JATS @iso-8601-date)."""
    match = re.match(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", value or "")
    if not match:
        return None
    year, month, day = match.groups()
    return make_date(year, month or "", day or "")


_ORCID = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dXx])")


def bare_orcid(value: str) -> str:
    """ "https://orcid.org/0000-0002-7361-560x" -> "0000-0002-7361-560X"; "" if not an ORCID."""
    match = _ORCID.search(value or "")
    return "-".join(match.groups()).upper() if match else ""


def bare_doi(value: str) -> str:
    """Strip "doi:" and resolver prefixes: "https://doi.org/10.1/x" -> "10.1/x"."""
    value = squash(value)
    match = re.search(r"10\.\d{4,9}/\S+", value)
    return match.group().rstrip(".") if match else ""
