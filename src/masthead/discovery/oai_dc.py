"""Simple Dublin Core (oai_dc) for a journal article, the format every harvester reads.

Follows what library discovery services expect of journal articles in oai_dc (as Open
Journal Systems writes them, and the OpenAIRE guidelines' info:eu-repo vocabulary):
creators "Surname, Given"; the abstract as plain text; the article page, the DOI link
and the PMID as identifiers; the journal citation and ISSNs as sources; the licence
and the open-access status as rights. Built with lxml from plain data; characters XML
1.0 forbids are dropped.
"""

from __future__ import annotations

from lxml import etree

from masthead.citations.page import doi_url
from masthead.discovery.oai_model import ArticleData, MetadataFormat, xml_text
from masthead.related.documents import plain_text

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
FORMAT = MetadataFormat("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC_NS)
_NSMAP = {"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}


def oai_dc(article: ArticleData) -> etree._Element:
    root = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap=_NSMAP)
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {FORMAT.schema}")

    def dc(name: str, value: object) -> None:
        text = xml_text(value)
        if text:
            etree.SubElement(root, f"{{{DC_NS}}}{name}").text = text

    title = xml_text(article.title)
    dc("title", f"{title}: {xml_text(article.subtitle)}" if xml_text(article.subtitle) else title)
    for person in article.contributors:
        dc("creator" if person.role in ("", "author") else "contributor", person.inverted_name)
    for subject in (*article.keywords, *article.subjects):
        dc("subject", subject)
    for abstract in article.abstracts:
        dc("description", plain_text(abstract.get("html") or ""))
    dc("publisher", article.publisher)
    published = article.published_online or article.issue_date or article.cover_date
    dc("date", published.isoformat() if published else article.year)
    for kind in (
        "Text",
        "info:eu-repo/semantics/article",
        "info:eu-repo/semantics/publishedVersion",
    ):
        dc("type", kind)
    dc("format", "text/html")
    dc("identifier", article.url)
    dc("identifier", doi_url(article.doi))
    if article.pmid:
        dc("identifier", f"info:pmid/{article.pmid}")
    dc("source", citation(article))
    for issn in dict.fromkeys((article.issn_print, article.issn_online)):
        dc("source", f"ISSN {issn}" if issn else "")
    dc("language", article.language)
    dc("rights", article.license_url)
    dc("rights", article.copyright_statement)
    if article.is_open_access:
        dc("rights", "info:eu-repo/semantics/openAccess")
    return root


def citation(article: ArticleData) -> str:
    """ "Journal; Vol. 31, No. 4 (2023); 703-717", as much of it as is known."""
    parts = [xml_text(article.journal_title)]
    issue = ", ".join(
        p
        for p in (
            article.volume and f"Vol. {article.volume}",
            article.issue and f"No. {article.issue}",
        )
        if p
    )
    if article.year:
        issue = f"{issue} ({article.year})".strip()
    parts.append(issue)
    pages = article.first_page
    if pages and article.last_page and article.last_page != pages:
        pages = f"{pages}-{article.last_page}"
    parts.append(pages or article.elocation_id)
    return "; ".join(xml_text(p) for p in parts if xml_text(p))
