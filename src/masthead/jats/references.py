"""JATS <ref-list> -> Reference, from element-citation and mixed-citation alike."""

from __future__ import annotations

import re

from lxml import etree

from .contrib import collab_name, parse_person_name
from .model import PersonName, Reference
from .render import link_target
from .safe_xml import local_name
from .xmltext import (
    DROPPED,
    attr,
    bare_doi,
    child,
    child_text,
    children,
    descendants,
    entity_text,
    squash,
    text,
)

CITATIONS = ("element-citation", "mixed-citation", "nlm-citation", "citation")
_DOI_IN_TEXT = re.compile(r"(?:doi:?\s*|doi\.org/)(10\.\d{4,9}/\S+)", re.IGNORECASE)
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:)\]])")


def spaced_text(element: etree._Element) -> str:
    """Text content with a space where two elements touch: "<surname>Li</surname><given-names>"."""
    parts: list[str] = [element.text or ""]
    previous_touches = False
    for node in element:
        if node.tag is etree.Entity:
            parts.append(entity_text(node))
        elif isinstance(node.tag, str) and local_name(node) not in DROPPED:
            if previous_touches:
                parts.append(" ")
            parts.append(spaced_text(node))
        parts.append(node.tail or "")
        previous_touches = isinstance(node.tag, str) and not node.tail
    return "".join(parts)


def citation_text(citation: etree._Element) -> str:
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", squash(spaced_text(citation)))


def pick_citation(ref: etree._Element) -> tuple[etree._Element | None, etree._Element | None]:
    """(citation to read fields from, citation whose text to keep)."""
    alternatives = child(ref, "citation-alternatives")
    pool = list(children(alternatives if alternatives is not None else ref, *CITATIONS))
    if not pool:
        return None, None
    structured = next((c for c in pool if local_name(c) == "element-citation"), pool[0])
    written = next((c for c in pool if local_name(c) == "mixed-citation"), structured)
    return structured, written


def cited_authors(citation: etree._Element) -> tuple[list[PersonName], str]:
    groups = list(children(citation, "person-group"))
    author_groups = [
        g for g in groups if attr(g, "person-group-type").lower() in ("", "author", "authors")
    ]
    holders = author_groups or ([citation] if not groups else groups[:1])
    authors: list[PersonName] = []
    collab = ""
    for holder in holders:
        for node in children(holder, "name", "string-name", "name-alternatives", "collab"):
            if local_name(node) == "collab":
                collab = collab or collab_name(node)
                continue
            person = parse_person_name(node)
            if person is not None:
                authors.append(person)
    if not collab:
        collab = collab_name(child(citation, "collab"))
    return authors, collab


def parse_reference(ref: etree._Element) -> Reference | None:
    citation, written = pick_citation(ref)
    if citation is None or written is None:
        return None
    authors, collab = cited_authors(citation)
    reference = Reference(
        label=child_text(ref, "label") or child_text(citation, "label"),
        ref_id=attr(ref, "id"),
        publication_type=attr(citation, "publication-type") or attr(citation, "citation-type"),
        authors=authors,
        collab=collab,
        article_title=child_text(citation, "article-title")
        or child_text(citation, "chapter-title")
        or child_text(citation, "data-title"),
        source=child_text(citation, "source"),
        year=child_text(citation, "year"),
        volume=child_text(citation, "volume"),
        issue=child_text(citation, "issue"),
        first_page=child_text(citation, "fpage"),
        last_page=child_text(citation, "lpage"),
        elocation_id=child_text(citation, "elocation-id"),
        publisher=child_text(citation, "publisher-name"),
        original_text=citation_text(written),
    )
    for pub_id in descendants(citation, "pub-id", "object-id"):
        kind = attr(pub_id, "pub-id-type").lower()
        if kind == "doi" and not reference.doi:
            reference.doi = bare_doi(text(pub_id))
        elif kind in ("pmid", "pubmed") and not reference.pmid:
            reference.pmid = text(pub_id)
    for link in descendants(citation, "ext-link", "uri"):
        kind = attr(link, "ext-link-type").lower()
        if kind == "doi":
            reference.doi = reference.doi or bare_doi(link_target(link))
        elif not reference.url:
            reference.url = link_target(link)
    if not reference.doi:
        match = _DOI_IN_TEXT.search(reference.original_text)
        if match:
            reference.doi = bare_doi(match.group(1))
    return reference


def parse_references(back: etree._Element | None) -> list[Reference]:
    references = []
    for ref_list in children(back, "ref-list"):
        for ref in descendants(ref_list, "ref"):
            reference = parse_reference(ref)
            if reference is not None:
                references.append(reference)
    return references
