"""The parts of a PubMed <PubmedArticle>: pages, dates, authors, grants, abstracts..."""

from __future__ import annotations

import re
from datetime import date

from lxml import etree

from .model import Abstract, Affiliation, Contributor, Funding, PersonName, Reference
from .render import InlineRenderer
from .sanitize import sanitize_html, sanitize_inline
from .xmltext import (
    bare_doi,
    bare_orcid,
    child,
    child_text,
    children,
    make_date,
    path,
    squash,
    text,
)

LANGUAGES = {
    "eng": "en",
    "fre": "fr",
    "ger": "de",
    "spa": "es",
    "ita": "it",
    "por": "pt",
    "rus": "ru",
    "jpn": "ja",
    "chi": "zh",
    "dut": "nl",
    "pol": "pl",
    "swe": "sv",
    "dan": "da",
    "nor": "no",
    "fin": "fi",
    "cze": "cs",
    "hun": "hu",
    "tur": "tr",
    "kor": "ko",
    "gre": "el",
    "heb": "he",
    "ara": "ar",
    "per": "fa",
    "ukr": "uk",
    "hrv": "hr",
    "slv": "sl",
    "srp": "sr",
    "rum": "ro",
    "bul": "bg",
    "lit": "lt",
    "slo": "sk",
    "ice": "is",
    "est": "et",
    "lav": "lv",
    "ind": "id",
    "tha": "th",
    "vie": "vi",
    "cat": "ca",
    "afr": "af",
    "mul": "mul",
    "und": "und",
}
ARTICLE_TYPES = {
    "Review": "review-article",
    "Systematic Review": "review-article",
    "Editorial": "editorial",
    "Letter": "letter",
    "Comment": "article-commentary",
    "Published Erratum": "correction",
    "Retraction of Publication": "retraction",
    "Case Reports": "case-report",
    "News": "news",
}
_EMAIL = re.compile(r"\s*(?:Electronic address:\s*)?([\w.+-]+@[\w-]+(?:\.[\w-]+)+)\.?\s*")
_PAGE = re.compile(r"^([A-Za-z]*)(\d+)([A-Za-z]*)$")


def leaf(element: etree._Element | None, tag: str) -> str:
    """Text of a plain-text child (no markup inside), found the fast way."""
    if element is None:
        return ""
    return squash(element.findtext(tag))


def page_range(pagination: str) -> tuple[str, str]:
    """ "703-17" -> ("703", "717"); "e1234" -> ("e1234", ""); "S12-5" -> ("S12", "S15")."""
    first_range = re.split(r"[,;]", pagination, maxsplit=1)[0].strip()
    first, _, last = (part.strip() for part in first_range.partition("-"))
    start = _PAGE.match(first)
    end = _PAGE.match(last)
    if start and end and not end.group(1) and len(end.group(2)) < len(start.group(2)):
        digits = start.group(2)
        expanded = digits[: len(digits) - len(end.group(2))] + end.group(2)
        if int(expanded) >= int(digits):
            return first, f"{start.group(1)}{expanded}{end.group(3)}"
    return first, last


def article_ids(id_list: etree._Element | None) -> dict[str, str]:
    ids: dict[str, str] = {}
    if id_list is None:
        return ids
    for element in id_list.iterchildren("ArticleId"):
        kind = (element.get("IdType") or "").lower()
        value = squash(element.text)
        value = bare_doi(value) if kind == "doi" else value
        if value:
            ids.setdefault(kind, value)
    return ids


def elocation(details: etree._Element | None, kind: str) -> str:
    for element in children(details, "ELocationID"):
        if (element.get("EIdType") or "").lower() == kind and element.get("ValidYN", "Y") == "Y":
            value = text(element)
            return bare_doi(value) if kind == "doi" else value
    return ""


def language(code: str) -> str:
    code = code.strip().lower()
    return LANGUAGES.get(code, code) or "en"


def pub_date(element: etree._Element | None) -> date | None:
    """<PubDate> with Year/Month/Day, or a MedlineDate such as "1998 Dec-1999 Jan"."""
    if element is None:
        return None
    year = leaf(element, "Year")
    if year:
        month = leaf(element, "Month") or leaf(element, "Season")
        return make_date(year, month, leaf(element, "Day"))
    medline = leaf(element, "MedlineDate")
    match = re.match(r"\s*(\d{4})(?:\s+([A-Za-z]+))?", medline)
    if not match:
        return None
    month = match.group(2) or ""
    return make_date(match.group(1), month.split("-")[0])


def electronic_date(details: etree._Element | None) -> date | None:
    for element in children(details, "ArticleDate"):
        if (element.get("DateType") or "Electronic") == "Electronic":
            return pub_date(element)
    return None


def history_date(article: etree._Element, status: str) -> date | None:
    for element in children(path(article, "PubmedData", "History"), "PubMedPubDate"):
        if element.get("PubStatus") == status:
            return pub_date(element)
    return None


def paragraph(parent: etree._Element | None, name: str, renderer: InlineRenderer) -> str:
    element = child(parent, name)
    if element is None or not text(element):
        return ""
    return sanitize_html(f"<p>{renderer.contents(element).strip()}</p>")


def abstract_html(abstract: etree._Element, renderer: InlineRenderer) -> str:
    """AbstractText paragraphs; a labelled one (structured abstract) gets its heading."""
    parts = []
    for section in children(abstract, "AbstractText"):
        body = renderer.contents(section).strip()
        if not body:
            continue
        label = squash(section.get("Label"))
        if label:
            heading = f"<h3>{sanitize_inline(label)}</h3>"
            parts.append(f'<section class="abstract-section">{heading}<p>{body}</p></section>')
        else:
            parts.append(f"<p>{body}</p>")
    return sanitize_html("".join(parts))


def parse_abstracts(
    details: etree._Element | None, renderer: InlineRenderer
) -> tuple[list[Abstract], str]:
    """(the abstract and any OtherAbstract, copyright line of the main abstract)."""
    abstracts = []
    main = child(details, "Abstract")
    if main is not None and (html := abstract_html(main, renderer)):
        abstracts.append(Abstract(html=html))
    for other in children(details, "OtherAbstract"):
        if html := abstract_html(other, renderer):
            kind = (other.get("Type") or "other").lower()
            abstracts.append(Abstract(html=html, abstract_type=kind))
    return abstracts, child_text(main, "CopyrightInformation")


def parse_keywords(citation: etree._Element | None) -> list[str]:
    keywords: list[str] = []
    found = [k for group in children(citation, "KeywordList") for k in children(group, "Keyword")]
    found += [
        d
        for heading in children(child(citation, "MeshHeadingList"), "MeshHeading")
        for d in children(heading, "DescriptorName")
    ]
    for element in found:
        value = text(element)
        if value and value not in keywords:
            keywords.append(value)
    return keywords


def parse_authors(author_list: etree._Element | None) -> list[Contributor]:
    contributors = []
    for author in author_list.iterchildren("Author") if author_list is not None else ():
        if author.get("ValidYN", "Y") != "Y":
            continue
        surname = leaf(author, "LastName")
        given = leaf(author, "ForeName") or leaf(author, "Initials")
        name = PersonName(surname, given, leaf(author, "Suffix")) if surname else None
        collab = child_text(author, "CollectiveName")
        if name is None and not collab:
            continue
        contributor = Contributor(name=name, collab="" if name else collab)
        for identifier in children(author, "Identifier"):
            if (identifier.get("Source") or "").upper() == "ORCID":
                contributor.orcid = bare_orcid(text(identifier))
        for info in children(author, "AffiliationInfo"):
            affiliation, email = split_email(child_text(info, "Affiliation"))
            contributor.email = contributor.email or email
            if affiliation:
                contributor.affiliations.append(Affiliation(text=affiliation))
        contributors.append(contributor)
    return contributors


def split_email(affiliation: str) -> tuple[str, str]:
    """PubMed appends "Electronic address: x@y.org." to an affiliation; take it out."""
    match = _EMAIL.search(affiliation) if "@" in affiliation else None
    if not match:
        return affiliation, ""
    rest = (affiliation[: match.start()] + " " + affiliation[match.end() :]).strip(" ;,.")
    return squash(rest), match.group(1)


def parse_grants(grant_list: etree._Element | None) -> list[Funding]:
    """One Funding per agency, its grant numbers in order."""
    by_agency: dict[str, Funding] = {}
    for grant in children(grant_list, "Grant"):
        agency = child_text(grant, "Agency")
        grant_id = child_text(grant, "GrantID")
        funding = by_agency.setdefault(agency, Funding(funder_name=agency))
        if grant_id and grant_id not in funding.award_ids:
            funding.award_ids.append(grant_id)
    return [f for f in by_agency.values() if f.funder_name or f.award_ids]


def parse_references(pubmed_data: etree._Element | None) -> list[Reference]:
    references = []
    for reference_list in children(pubmed_data, "ReferenceList"):
        for element in reference_list.iter("Reference"):
            ids = article_ids(element.find("ArticleIdList"))
            references.append(
                Reference(
                    original_text=leaf(element, "Citation"),
                    doi=ids.get("doi", ""),
                    pmid=ids.get("pubmed", ""),
                )
            )
    return references
