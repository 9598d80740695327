"""The full text's table of contents, read from its sections' headings. Pure: no Django.

A section counts when it has an id and a heading (``<h2>``...``<h6>``) as its first
element child; its entries nest as the sections do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import html as lxml_html

HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_SPACE = re.compile(r"\s+")


@dataclass
class TocEntry:
    id: str
    title: str
    children: list[TocEntry] = field(default_factory=list)


def heading_of(section: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    first = next((c for c in section if isinstance(c.tag, str)), None)
    return first if first is not None and first.tag in HEADINGS else None


def heading_text(heading: lxml_html.HtmlElement) -> str:
    return _SPACE.sub(" ", heading.text_content()).strip()


def entries(root: lxml_html.HtmlElement, max_depth: int = 3) -> list[TocEntry]:
    """The sections under `root` (nested `<section id>` with headings), `max_depth` deep."""
    found: list[TocEntry] = []
    for section in root.iterchildren():
        if not isinstance(section.tag, str):
            continue
        heading = heading_of(section) if section.tag == "section" else None
        if heading is not None and section.get("id") and heading_text(heading):
            nested = entries(section, max_depth - 1) if max_depth > 1 else []
            found.append(TocEntry(section.get("id"), heading_text(heading), nested))
        elif section.tag in {"section", "div"}:  # an untitled wrapper: look inside it
            found.extend(entries(section, max_depth))
    return found


def flatten(toc: list[TocEntry]) -> list[TocEntry]:
    out: list[TocEntry] = []
    for entry in toc:
        out.append(entry)
        out.extend(flatten(entry.children))
    return out
