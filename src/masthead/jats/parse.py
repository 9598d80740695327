"""A JATS article (1.0-1.3, Archiving or Publishing) -> ArticleRecord."""

from __future__ import annotations

from datetime import date

from lxml import etree

from .body import render_back, render_blocks, render_body
from .contrib import parse_contributors
from .model import Abstract, ArticleRecord, JournalRef, SourceError
from .notes import parse_funding, parse_notes
from .references import parse_references
from .render import InlineRenderer
from .safe_xml import check_root, parse_xml
from .sanitize import sanitize_html, sanitize_inline
from .xmltext import (
    DROPPED,
    XML_LANG,
    attr,
    bare_doi,
    child,
    child_text,
    children,
    descendants,
    href,
    iso_date,
    make_date,
    path,
    raw_text,
    squash,
    text,
)

TITLE_NOISE = frozenset({"xref", "fn"})  # footnote markers on a title are not part of it
OPEN_LICENCE_HOSTS = ("creativecommons.org/licenses/", "creativecommons.org/publicdomain/")


def parse_jats(data: bytes, source: str) -> ArticleRecord:
    """Parse one JATS article; raise SourceError for anything we refuse to import."""
    root = parse_xml(data, source)
    check_root(root.getroottree(), "article", "JATS article", source)
    front = child(root, "front")
    meta = child(front, "article-meta")
    if meta is None:
        raise SourceError(source, "the article has no <front>/<article-meta>")
    title_element = path(meta, "title-group", "article-title")
    title = (
        squash(raw_text(title_element, skip=DROPPED | TITLE_NOISE))
        if title_element is not None
        else ""
    )
    if not title:
        raise SourceError(source, "the article has no <article-title>", line=meta.sourceline)
    back = child(root, "back")
    online, issue_date = publication_dates(meta)
    history = child(meta, "history")
    notes, disclosure_html = parse_notes(meta, back)
    funding, funding_statement_html = parse_funding(meta)
    license_url, license_html, is_open_access = parse_license(child(meta, "permissions"))
    section, subjects = parse_categories(child(meta, "article-categories"))
    ids = article_ids(meta)
    return ArticleRecord(
        source_format="jats",
        journal=parse_journal(child(front, "journal-meta")),
        title=title,
        title_html=sanitize_inline(InlineRenderer().contents(title_element, skip=TITLE_NOISE)),
        subtitle=text(path(meta, "title-group", "subtitle")),
        doi=ids.get("doi", ""),
        pmid=ids.get("pmid", ""),
        pmcid=ids.get("pmcid", ""),
        publisher_id=ids.get("publisher-id", ""),
        article_type=attr(root, "article-type"),
        section=section,
        subjects=subjects,
        language=(attr(root, XML_LANG) or "en").split("-")[0].lower(),
        volume=child_text(meta, "volume"),
        issue=child_text(meta, "issue"),
        first_page=child_text(meta, "fpage"),
        last_page=child_text(meta, "lpage"),
        elocation_id=child_text(meta, "elocation-id"),
        received=history_date(history, "received"),
        accepted=history_date(history, "accepted"),
        published_online=online,
        issue_date=issue_date,
        abstracts=parse_abstracts(meta),
        keywords=parse_keywords(meta),
        contributors=parse_contributors(meta),
        notes=notes,
        disclosure_html=disclosure_html,
        funding=funding,
        funding_statement_html=funding_statement_html,
        license_url=license_url,
        license_html=license_html,
        copyright_statement=text(path(meta, "permissions", "copyright-statement")),
        is_open_access=is_open_access,
        body_html=render_body(child(root, "body")),
        back_html=render_back(back),
        references=parse_references(back),
        source_xml=etree.tostring(root.getroottree(), encoding="unicode"),
        source_name=source,
    )


def parse_journal(journal_meta: etree._Element | None) -> JournalRef:
    title_group = child(journal_meta, "journal-title-group")
    title = child_text(title_group, "journal-title") or child_text(journal_meta, "journal-title")
    abbreviation = child_text(title_group, "abbrev-journal-title") or child_text(
        journal_meta, "abbrev-journal-title"
    )
    journal_ids = {
        attr(j, "journal-id-type"): text(j) for j in children(journal_meta, "journal-id")
    }
    abbreviation = (
        abbreviation or journal_ids.get("nlm-ta", "") or journal_ids.get("iso-abbrev", "")
    )
    journal = JournalRef(
        title=title or abbreviation or journal_ids.get("publisher-id", ""),
        abbreviation=abbreviation,
        publisher_name=text(path(journal_meta, "publisher", "publisher-name")),
    )
    for issn in children(journal_meta, "issn"):
        kind = (attr(issn, "publication-format") or attr(issn, "pub-type")).lower()
        if kind in ("electronic", "epub", "online") and not journal.issn_electronic:
            journal.issn_electronic = text(issn)
        elif kind in ("print", "ppub", "") and not journal.issn_print:
            journal.issn_print = text(issn)
    return journal


def article_ids(meta: etree._Element) -> dict[str, str]:
    ids: dict[str, str] = {}
    for element in children(meta, "article-id"):
        kind = attr(element, "pub-id-type").lower()
        value = text(element)
        if kind == "doi":
            value = bare_doi(value)
        elif kind in ("pmcid", "pmc"):
            kind = "pmcid"
            value = value if value.upper().startswith("PMC") else f"PMC{value}"
        if value and kind not in ids:
            ids[kind] = value
    return ids


def parse_categories(categories: etree._Element | None) -> tuple[str, list[str]]:
    """(section label, every subject): display-channel, else heading, else the first subject."""
    by_type: dict[str, str] = {}
    subjects: list[str] = []
    for group in descendants(categories, "subj-group"):
        for subject in children(group, "subject"):
            value = text(subject)
            if value and value not in subjects:
                subjects.append(value)
            by_type.setdefault(attr(group, "subj-group-type").lower(), value)
    section = by_type.get("display-channel") or by_type.get("heading") or ""
    return section or (subjects[0] if subjects else ""), subjects


def jats_date(element: etree._Element | None) -> date | None:
    if element is None:
        return None
    month = child_text(element, "month") or child_text(element, "season")
    return iso_date(attr(element, "iso-8601-date")) or make_date(
        child_text(element, "year"), month, child_text(element, "day")
    )


def publication_dates(meta: etree._Element) -> tuple[date | None, date | None]:
    """(published online, issue date) by pub-date @pub-type, or @date-type + @publication-format."""
    online = printed = collection = None
    for pub_date in children(meta, "pub-date"):
        kind = (attr(pub_date, "pub-type") or attr(pub_date, "date-type")).lower()
        medium = attr(pub_date, "publication-format").lower()
        value = jats_date(pub_date)
        if kind == "epub" or (kind in ("pub", "publication", "") and medium != "print"):
            online = online or value
        elif kind == "ppub" or (kind in ("pub", "publication", "") and medium == "print"):
            printed = printed or value
        elif kind == "epub-ppub":
            online = online or value
            printed = printed or value
        elif kind == "collection":
            collection = collection or value
    return online, printed or collection


def history_date(history: etree._Element | None, kind: str) -> date | None:
    for element in children(history, "date"):
        if attr(element, "date-type").lower() == kind:
            return jats_date(element)
    return None


def parse_abstracts(meta: etree._Element) -> list[Abstract]:
    abstracts = []
    for element in children(meta, "abstract", "trans-abstract"):
        html = render_blocks(element)
        if html:
            abstracts.append(
                Abstract(
                    html=html,
                    abstract_type=attr(element, "abstract-type"),
                    title=child_text(element, "title"),
                )
            )
    return abstracts


def parse_keywords(meta: etree._Element) -> list[str]:
    keywords: list[str] = []
    for group in children(meta, "kwd-group"):
        for keyword in descendants(group, "kwd", "compound-kwd"):
            value = text(keyword, separator=" ")
            if value and value not in keywords:
                keywords.append(value)
    return keywords


def parse_license(permissions: etree._Element | None) -> tuple[str, str, bool]:
    """(licence URL, licence HTML, open access?)."""
    licence = child(permissions, "license")
    reference = next(descendants(permissions, "license_ref"), None)
    url = href(licence) or text(reference)
    renderer = InlineRenderer()
    paragraphs = "".join(
        f"<p>{renderer.contents(p).strip()}</p>" for p in children(licence, "license-p")
    )
    open_access = attr(licence, "license-type").lower() in ("open-access", "open_access") or any(
        host in url for host in OPEN_LICENCE_HOSTS
    )
    return url, sanitize_html(paragraphs), open_access
