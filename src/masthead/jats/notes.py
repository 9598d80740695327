"""Footnotes, competing interests and funding from JATS front and back matter."""

from __future__ import annotations

import re

from lxml import etree

from .body import is_competing_interest, render_blocks
from .model import Funding, Note
from .render import InlineRenderer
from .sanitize import sanitize_html
from .xmltext import DROPPED, attr, child, child_text, children, descendants, href, raw_text, squash

FUNDER_ID_TYPES = frozenset(
    {"fundref", "doi", "funder-id", "crossref-funder-id", "open-funder-registry"}
)
_FUNDER_DOI = re.compile(r"10\.13039/([0-9A-Za-z]+)")


def _footnotes(meta: etree._Element | None, back: etree._Element | None) -> list[etree._Element]:
    found = list(children(child(meta, "author-notes"), "fn"))
    if back is not None:
        found.extend(fn for group in descendants(back, "fn-group") for fn in children(group, "fn"))
        found.extend(children(back, "fn"))
    return found


def parse_notes(meta: etree._Element | None, back: etree._Element | None) -> tuple[list[Note], str]:
    """(ordered notes, competing-interests HTML); a COI footnote is only in the second."""
    notes: list[Note] = []
    disclosures: list[str] = []
    for fn in _footnotes(meta, back):
        html = render_blocks(fn, skip=frozenset({"label", "title"}))
        if not html:
            continue
        parent = fn.getparent()
        if is_competing_interest(fn) or (parent is not None and is_competing_interest(parent)):
            disclosures.append(html)
        else:
            notes.append(Note(label=child_text(fn, "label"), html=html, note_id=attr(fn, "id")))
    if back is not None:
        for section in descendants(back, "sec", "notes"):
            if is_competing_interest(section):
                disclosures.append(render_blocks(section, back_matter=True))
    return notes, "".join(d for d in disclosures if d)


def funder_id(value: str) -> str:
    """Crossref Funder Registry id as "10.13039/…" from a DOI, URL or bare number."""
    value = squash(value)
    match = _FUNDER_DOI.search(value)
    if match:
        return f"10.13039/{match.group(1)}"
    if re.fullmatch(r"\d{6,}", value):
        return f"10.13039/{value}"
    return ""


def parse_funding_source(source: etree._Element) -> tuple[str, str]:
    """(funder name, funder id) of one <funding-source>."""
    identifier = funder_id(href(source))
    for node in descendants(source, "institution-id", "named-content"):
        kind = (attr(node, "institution-id-type") or attr(node, "content-type")).lower()
        if kind in FUNDER_ID_TYPES or "10.13039" in (node.text or ""):
            identifier = identifier or funder_id(raw_text(node))
    institution = next(descendants(source, "institution"), None)
    if institution is not None:
        name = squash(raw_text(institution))
    else:
        noise = DROPPED | {"institution-id", "named-content"}
        name = squash(raw_text(source, skip=noise))
    return name, identifier


def parse_funding(meta: etree._Element | None) -> tuple[list[Funding], str]:
    """(one Funding per funding source, with its award ids; funding-statement HTML)."""
    funding: list[Funding] = []
    statements: list[str] = []
    renderer = InlineRenderer()
    for group in children(meta, "funding-group"):
        for award in children(group, "award-group"):
            award_ids = [squash(raw_text(a)) for a in children(award, "award-id")]
            award_ids = [a for a in award_ids if a]
            sources = [parse_funding_source(s) for s in children(award, "funding-source")]
            for name, identifier in sources:
                if name or identifier:
                    funding.append(Funding(name, identifier, list(award_ids)))
            if not sources and award_ids:
                funding.append(Funding("", "", award_ids))
        for statement in children(group, "funding-statement"):
            html = renderer.contents(statement).strip()
            if html:
                statements.append(f"<p>{html}</p>")
    return funding, sanitize_html("".join(statements))
