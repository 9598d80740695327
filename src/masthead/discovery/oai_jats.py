"""JATS front matter for OAI-PMH: <article><front><journal-meta/><article-meta/></front>.

Built from the catalog, not from a source file: most articles come from PubMed and have
none, and one writer gives every record the same shape. JATS elements have no namespace
of their own, and OAI-PMH wants metadata in one; we use the JATS Archiving 1.3 namespace
that PubMed Central's OAI-PMH service gives its JATS records, so that harvesters that
know PMC know ours (the front matter is valid Publishing and Archiving tag set).

Titles and abstracts are stored as sanitised HTML; they become JATS inline markup
(italic, bold, sub, sup, ...) and paragraphs and sections through the converter the
Crossref deposit uses (`citations.deposit_markup`), moved into this namespace. Element
order follows the tag set's content models. Contributor e-mail addresses are left out:
harvested metadata is republished.
"""

from __future__ import annotations

import datetime as dt

from lxml import etree

from masthead.citations.deposit_markup import JATS_NS as CROSSREF_JATS_NS
from masthead.citations.deposit_markup import XLINK_NS, http_url, jats_abstract
from masthead.discovery.oai_model import ArticleData, MetadataFormat, Person, xml_text
from masthead.related.documents import plain_text

JATS_OAI_NS = "https://jats.nlm.nih.gov/ns/archiving/1.3/"
FORMAT = MetadataFormat(
    "jats", "https://jats.nlm.nih.gov/archiving/1.3/xsd/JATS-archivearticle1-3.xsd", JATS_OAI_NS
)
XML_NS = "http://www.w3.org/XML/1998/namespace"
_NSMAP = {None: JATS_OAI_NS, "xlink": XLINK_NS}


def jats_front(article: ArticleData) -> etree._Element:
    root = etree.Element(_j("article"), nsmap=_NSMAP)
    root.set("article-type", xml_text(article.article_type) or "research-article")
    root.set("dtd-version", "1.3")
    if xml_text(article.language):
        root.set(f"{{{XML_NS}}}lang", xml_text(article.language))
    front = _add(root, "front")
    _journal_meta(_add(front, "journal-meta"), article)
    _article_meta(_add(front, "article-meta"), article)
    etree.cleanup_namespaces(root)  # the converter's namespace, left on adopted elements
    return root


def _j(tag: str) -> str:
    return f"{{{JATS_OAI_NS}}}{tag}"


def _add(parent: etree._Element, tag: str, text: object = "", **attrib: str) -> etree._Element:
    element = etree.SubElement(parent, _j(tag))
    for name, value in attrib.items():
        value = xml_text(value)
        if value:
            element.set(name.replace("_", "-"), value)
    value = xml_text(text) if text else ""
    if value:
        element.text = value
    return element


def _opt(parent: etree._Element, tag: str, text: object, **attrib: str) -> None:
    if text and xml_text(text):
        _add(parent, tag, text, **attrib)


def _journal_meta(meta: etree._Element, article: ArticleData) -> None:
    _opt(meta, "journal-id", article.journal_code, journal_id_type="publisher-id")
    titles = _add(meta, "journal-title-group")
    _add(titles, "journal-title", article.journal_title)
    _opt(titles, "abbrev-journal-title", article.journal_abbreviation, abbrev_type="publisher")
    _opt(meta, "issn", article.issn_print, pub_type="ppub")
    _opt(meta, "issn", article.issn_online, pub_type="epub")
    if xml_text(article.publisher):
        _add(_add(meta, "publisher"), "publisher-name", article.publisher)


def _article_meta(meta: etree._Element, article: ArticleData) -> None:
    _add(meta, "article-id", article.doi, pub_id_type="doi")
    _opt(meta, "article-id", article.pmid, pub_id_type="pmid")
    _opt(meta, "article-id", article.pmcid, pub_id_type="pmcid")
    if xml_text(article.section):
        group = _add(_add(meta, "article-categories"), "subj-group", subj_group_type="heading")
        _add(group, "subject", article.section)
    titles = _add(meta, "title-group")
    _inline(_add(titles, "article-title"), article.title_html, article.title)
    _opt(titles, "subtitle", article.subtitle)
    _contributors(meta, article.contributors)
    if article.published_online:
        day = article.published_online
        _date(meta, "pub-date", (day.year, day.month, day.day), date_type="pub",
              publication_format="electronic")  # fmt: skip
    cover = _cover(article.cover_date or article.issue_date, article.issue_year)
    if cover:
        medium = "print" if xml_text(article.issn_print) else "electronic"
        _date(meta, "pub-date", cover, date_type="collection", publication_format=medium)
    if not (article.published_online or cover):
        _add(meta, "pub-date-not-available")  # JATS 1.2+: a date is required otherwise
    _opt(meta, "volume", article.volume)
    _opt(meta, "issue", article.issue)
    _opt(meta, "issue-title", article.issue_title)
    if xml_text(article.first_page):  # pages or an e-location, as the tag set has it
        _add(meta, "fpage", article.first_page)
        _opt(meta, "lpage", article.last_page if article.last_page != article.first_page else "")
    else:
        _opt(meta, "elocation-id", article.elocation_id)
    if article.received or article.accepted:
        history = _add(meta, "history")
        for kind, day in (("received", article.received), ("accepted", article.accepted)):
            if day:
                _date(history, "date", (day.year, day.month, day.day), date_type=kind)
    _permissions(meta, article)
    _add(meta, "self-uri").set(f"{{{XLINK_NS}}}href", xml_text(article.url))
    _abstracts(meta, article.abstracts)
    words = [xml_text(word) for word in article.keywords if xml_text(word)]
    if words:
        group = _add(meta, "kwd-group", kwd_group_type="author")
        for word in dict.fromkeys(words):
            _add(group, "kwd", word)


def _date(parent, tag: str, parts: tuple[int, int | None, int | None], **attrib) -> None:
    year, month, day = parts
    element = _add(parent, tag, **attrib)
    if month and day:
        element.set("iso-8601-date", f"{year:04d}-{month:02d}-{day:02d}")
        _add(element, "day", f"{day:02d}")
    if month:
        _add(element, "month", f"{month:02d}")
    _add(element, "year", str(year))


def _cover(day: dt.date | None, year: int | None) -> tuple[int, int | None, int | None] | None:
    """An issue's cover date without the day (or month) importers fill in as the 1st."""
    if day is None:
        return (year, None, None) if year else None
    if day.day != 1:
        return day.year, day.month, day.day
    return day.year, (day.month if day.month != 1 else None), None


def _contributors(meta: etree._Element, people: tuple[Person, ...]) -> None:
    if not people:
        return
    group = _add(meta, "contrib-group")
    for person in people:
        contrib = _add(group, "contrib", contrib_type=xml_text(person.role) or "author")
        if person.corresponding:
            contrib.set("corresp", "yes")
        if xml_text(person.orcid):
            orcid = xml_text(person.orcid)
            url = orcid if orcid.startswith("http") else f"https://orcid.org/{orcid}"
            _add(contrib, "contrib-id", url, contrib_id_type="orcid")
        if xml_text(person.surname) or xml_text(person.given_names):
            name = _add(contrib, "name")
            _add(name, "surname", person.surname or person.given_names)
            _opt(name, "given-names", person.given_names if person.surname else "")
            _opt(name, "suffix", person.suffix)
        elif xml_text(person.collab):
            _add(contrib, "collab", person.collab)
        for affiliation in person.affiliations:
            _affiliation(contrib, affiliation)


def _affiliation(contrib: etree._Element, affiliation: dict | str) -> None:
    """<aff>: its text, with the institution (and its ROR id) marked where the text names it."""
    if isinstance(affiliation, str):
        affiliation = {"text": affiliation}
    if not isinstance(affiliation, dict):
        return
    text = xml_text(affiliation.get("text"))
    institution = xml_text(affiliation.get("institution"))
    ror = xml_text(affiliation.get("ror"))
    if not (text or institution):
        return
    aff = _add(contrib, "aff")
    if not institution:
        aff.text = text
        return
    before, found, after = text.partition(institution)
    if not found:
        before, after = (f"{text}, " if text else ""), ""
    aff.text = before or None
    wrap = _add(aff, "institution-wrap")
    _opt(wrap, "institution-id", ror, institution_id_type="ror")
    _add(wrap, "institution", institution)
    wrap.tail = after or None


def _permissions(meta: etree._Element, article: ArticleData) -> None:
    statement = xml_text(article.copyright_statement)
    url = http_url(article.license_url)
    text = xml_text(plain_text(article.license_html))
    if not (statement or url or text):
        return
    permissions = _add(meta, "permissions")
    _opt(permissions, "copyright-statement", statement)
    if url or text:
        licence = _add(permissions, "license")
        if url:
            licence.set(f"{{{XLINK_NS}}}href", url)
        _add(licence, "license-p", text or url)


def _abstracts(meta: etree._Element, abstracts: tuple[dict, ...]) -> None:
    scratch = etree.Element("scratch")
    for abstract in abstracts:
        jats_abstract(scratch, abstract)
    for element in list(scratch):
        meta.append(_adopt(element))


def _inline(target: etree._Element, html: str, fallback: str) -> None:
    """Inline HTML (a title) as JATS inline markup in `target`; else the plain text."""
    if "<" not in html:  # no markup: the plain title says the same
        target.text = xml_text(fallback)
        return
    scratch = etree.Element("scratch")
    jats_abstract(scratch, {"html": html})
    paragraph = next(scratch.iter(f"{{{CROSSREF_JATS_NS}}}p"), None)
    if paragraph is None or not "".join(paragraph.itertext()).strip():
        target.text = xml_text(fallback)
        return
    paragraph = _adopt(paragraph)
    target.text = paragraph.text
    for child in paragraph:
        target.append(child)


def _adopt(element: etree._Element) -> etree._Element:
    """Move elements built in the Crossref deposit's JATS namespace into ours."""
    for node in element.iter():
        if isinstance(node.tag, str) and node.tag.startswith(f"{{{CROSSREF_JATS_NS}}}"):
            node.tag = _j(etree.QName(node).localname)
    return element
