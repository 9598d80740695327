"""JATS contributors (<contrib-group>/<contrib>) and their affiliations (<aff>)."""

from __future__ import annotations

from lxml import etree

from .body import render_blocks
from .model import Affiliation, Contributor, PersonName
from .safe_xml import local_name
from .xmltext import (
    DROPPED,
    attr,
    bare_orcid,
    child,
    child_text,
    children,
    descendants,
    raw_text,
    squash,
    text,
)

# Parts of an <aff> that are not part of the address line.
AFF_NOISE = frozenset({"label", "email", "xref", "fn", "institution-id", "ext-link", "uri"})
COLLAB_NOISE = DROPPED | {"contrib-group", "xref", "fn", "email", "aff", "contrib-id", "address"}
_EDGE_PUNCTUATION = " \t\r\n,;.:"


def parse_person_name(element: etree._Element | None) -> PersonName | None:
    """<name> or <string-name> (with or without parts)."""
    if element is None:
        return None
    if local_name(element) == "name-alternatives":
        element = child(element, "name", "string-name")
        if element is None:
            return None
    surname = child_text(element, "surname")
    given = child_text(element, "given-names")
    if not surname and not given:
        # A <string-name> written as one run of text, or a name with only a prefix.
        whole = text(element)
        return PersonName(surname=whole) if whole else None
    return PersonName(
        surname=surname or given,
        given_names=given if surname else "",
        suffix=child_text(element, "suffix"),
    )


def parse_affiliation(element: etree._Element) -> Affiliation:
    """One <aff>: its address as one line (label dropped), institution, country and ROR."""
    segments: list[str] = []

    def add(value: str) -> None:
        value = squash(value).strip(_EDGE_PUNCTUATION)
        if value:
            segments.append(value)

    add(element.text or "")
    for index, node in enumerate(element):
        name = local_name(node)
        leading_marker = name == "sup" and index == 0 and not (element.text or "").strip()
        if name == "institution-wrap":
            for institution in children(node, "institution"):
                add(raw_text(institution))
        elif name and name not in AFF_NOISE and not leading_marker:
            add(raw_text(node, skip=DROPPED | AFF_NOISE))
        add(node.tail or "")
    institutions = list(descendants(element, "institution"))
    named = [
        i for i in institutions if attr(i, "content-type").lower() not in ("dept", "department")
    ]
    institution = text((named or institutions)[0]) if institutions else ""
    ror = ""
    for identifier in descendants(element, "institution-id"):
        value = text(identifier)
        if attr(identifier, "institution-id-type").lower() == "ror" or "ror.org" in value:
            ror = value if value.startswith("http") else f"https://ror.org/{value}"
            break
    country = next((text(c) for c in descendants(element, "country")), "")
    return Affiliation(text=", ".join(segments), institution=institution, country=country, ror=ror)


def affiliations_by_id(meta: etree._Element) -> dict[str, Affiliation]:
    found: dict[str, Affiliation] = {}
    for aff in descendants(meta, "aff"):
        parent = aff.getparent()
        key = attr(aff, "id")
        if parent is not None and local_name(parent) == "aff-alternatives":
            key = key or attr(parent, "id")
            if attr(parent, "id") and attr(parent, "id") not in found:
                found[attr(parent, "id")] = parse_affiliation(aff)
        if key and key not in found:
            found[key] = parse_affiliation(aff)
    return found


def collab_name(element: etree._Element | None) -> str:
    """A group author's name, without the member list JATS 1.1+ nests inside <collab>."""
    if element is None:
        return ""
    return squash(raw_text(element, skip=COLLAB_NOISE))


def parse_contributors(meta: etree._Element) -> list[Contributor]:
    """Every <contrib> of article-meta's contrib-groups, in order (group members excluded)."""
    affiliations = affiliations_by_id(meta)
    notes = {attr(n, "id"): n for n in descendants(meta, "fn", "corresp") if attr(n, "id")}
    referenced = {
        rid
        for xref in descendants(meta, "xref")
        if attr(xref, "ref-type") == "aff"
        for rid in attr(xref, "rid").split()
    }
    unreferenced_top = [
        parse_affiliation(a) for a in children(meta, "aff") if attr(a, "id") not in referenced
    ]
    contributors = []
    for group in children(meta, "contrib-group"):
        shared = [
            parse_affiliation(a) for a in children(group, "aff") if attr(a, "id") not in referenced
        ] or unreferenced_top
        for contrib in children(group, "contrib"):
            contributor = parse_contributor(contrib, affiliations, notes)
            if not contributor.affiliations:
                contributor.affiliations = list(shared)
            if contributor.name or contributor.collab:
                contributors.append(contributor)
    return contributors


def parse_contributor(
    contrib: etree._Element,
    affiliations: dict[str, Affiliation],
    notes: dict[str, etree._Element],
) -> Contributor:
    name = parse_person_name(child(contrib, "name", "string-name", "name-alternatives"))
    contributor = Contributor(
        name=name,
        collab="" if name else collab_name(child(contrib, "collab")),
        role=attr(contrib, "contrib-type") or "author",
        corresponding=attr(contrib, "corresp").lower() == "yes",
        equal_contrib=attr(contrib, "equal-contrib").lower() == "yes",
    )
    for identifier in children(contrib, "contrib-id", "uri", "ext-link"):
        kind = attr(identifier, "contrib-id-type") or attr(identifier, "content-type")
        value = text(identifier)
        if kind.lower() == "orcid" or "orcid.org" in value:
            contributor.orcid = bare_orcid(value)
            if contributor.orcid:
                break
    emails = [text(e) for e in descendants(contrib, "email") if not _inside_collab(e, contrib)]
    for xref in children(contrib, "xref"):
        kind = attr(xref, "ref-type")
        for rid in attr(xref, "rid").split():
            if kind == "aff" and rid in affiliations:
                contributor.affiliations.append(affiliations[rid])
            note = notes.get(rid)
            if note is None:
                continue
            note_type = attr(note, "fn-type").lower()
            if kind == "corresp" or local_name(note) == "corresp" or note_type == "corresp":
                contributor.corresponding = True
                emails.extend(text(e) for e in descendants(note, "email"))
            elif note_type == "equal":
                contributor.equal_contrib = True
    contributor.affiliations.extend(parse_affiliation(a) for a in children(contrib, "aff"))
    contributor.email = next((e for e in emails if e), "")
    contributor.bio_html = render_blocks(child(contrib, "bio"), skip=frozenset({"title"}))
    return contributor


def _inside_collab(element: etree._Element, contrib: etree._Element) -> bool:
    node = element.getparent()
    while node is not None and node is not contrib:
        if local_name(node) == "collab":
            return True
        node = node.getparent()
    return False
