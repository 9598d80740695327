"""PubMed XML (PubmedArticleSet, e.g. a baseline file) -> ArticleRecord, streamed.

A set holds thousands of articles, so it is read with ``iterparse`` one
<PubmedArticle> at a time. A bad article (no title, no PMID) comes out as a
SourceError in the stream and the rest carry on; a file that is not well-formed
raises SourceError where the damage is found.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from lxml import etree

from .model import ArticleRecord, JournalRef, SourceError
from .pubmed_fields import (
    ARTICLE_TYPES,
    article_ids,
    electronic_date,
    elocation,
    history_date,
    language,
    leaf,
    page_range,
    paragraph,
    parse_abstracts,
    parse_authors,
    parse_grants,
    parse_keywords,
    parse_references,
    pub_date,
)
from .render import InlineRenderer
from .safe_xml import iterparse_elements
from .sanitize import sanitize_inline
from .xmltext import child, child_text, children, path, text

__all__ = ["iter_pubmed_file", "page_range", "parse_pubmed"]

ARTICLE_TAGS = ("PubmedArticle", "PubmedBookArticle")


def parse_pubmed(data: bytes, source: str) -> Iterator[ArticleRecord | SourceError]:
    """Each article of a PubmedArticleSet held in memory."""
    return iter_pubmed_stream(io.BytesIO(data), source)


def iter_pubmed_file(path_name: str | Path) -> Iterator[ArticleRecord | SourceError]:
    """Stream a PubMed file from disk, gunzipping ``.gz`` files on the fly."""
    file_path = Path(path_name)
    opener = gzip.open if file_path.suffix == ".gz" else open
    with opener(file_path, "rb") as stream:
        try:
            yield from iter_pubmed_stream(stream, file_path.name)
        except (OSError, EOFError) as exc:  # a damaged gzip stream
            raise SourceError(file_path.name, f"cannot read the file: {exc}") from None


def iter_pubmed_stream(stream: IO[bytes], source: str) -> Iterator[ArticleRecord | SourceError]:
    for element in iterparse_elements(
        stream, ARTICLE_TAGS, "PubmedArticleSet", "PubMed article set", source
    ):
        try:
            yield parse_pubmed_article(element, source)
        except SourceError as error:
            yield error


def parse_pubmed_article(article: etree._Element, source: str) -> ArticleRecord:
    citation = child(article, "MedlineCitation")
    pmid = leaf(citation, "PMID")
    line = article.sourceline
    if citation is None:
        raise SourceError(source, "not a journal article (book records are not imported)", line)
    if not pmid:
        raise SourceError(source, "article without a PMID", line)
    details = child(citation, "Article")
    title_element = child(details, "ArticleTitle")
    title_source = title_element if text(title_element) else child(details, "VernacularTitle")
    title = text(title_source)
    if title_source is None or not title:
        raise SourceError(source, f"PMID {pmid}: the article has no title", line)
    journal = parse_journal(child(details, "Journal"), child(citation, "MedlineJournalInfo"))
    if not journal.title:
        raise SourceError(source, f"PMID {pmid}: the article has no journal title", line)
    issue = path(details, "Journal", "JournalIssue")
    first_page, last_page = page_range(text(path(details, "Pagination", "MedlinePgn")))
    ids = article_ids(path(article, "PubmedData", "ArticleIdList"))
    renderer = InlineRenderer()
    abstracts, copyright_statement = parse_abstracts(details, renderer)
    publication_types = [text(t) for t in children(child(details, "PublicationTypeList"))]
    return ArticleRecord(
        source_format="pubmed",
        journal=journal,
        title=title,
        title_html=sanitize_inline(renderer.contents(title_source)),
        doi=elocation(details, "doi") or ids.get("doi", ""),
        pmid=pmid,
        pmcid=ids.get("pmc", ""),
        publisher_id=ids.get("pii", "") or elocation(details, "pii"),
        article_type=next((ARTICLE_TYPES[t] for t in publication_types if t in ARTICLE_TYPES), ""),
        section=publication_types[0] if publication_types else "",
        language=language(child_text(details, "Language")),
        volume=child_text(issue, "Volume"),
        issue=child_text(issue, "Issue"),
        first_page=first_page,
        last_page=last_page,
        received=history_date(article, "received"),
        accepted=history_date(article, "accepted"),
        published_online=electronic_date(details),
        issue_date=pub_date(child(issue, "PubDate")),
        abstracts=abstracts,
        keywords=parse_keywords(citation),
        contributors=parse_authors(child(details, "AuthorList")),
        disclosure_html=paragraph(citation, "CoiStatement", renderer),
        funding=parse_grants(child(details, "GrantList")),
        copyright_statement=copyright_statement,
        references=parse_references(child(article, "PubmedData")),
        source_xml=etree.tostring(article, encoding="unicode"),
        source_name=f"{source}, PMID {pmid}",
    )


def parse_journal(journal: etree._Element | None, info: etree._Element | None) -> JournalRef:
    abbreviation = child_text(journal, "ISOAbbreviation") or child_text(info, "MedlineTA")
    record = JournalRef(
        title=child_text(journal, "Title") or abbreviation, abbreviation=abbreviation
    )
    for issn in children(journal, "ISSN"):
        if (issn.get("IssnType") or "").lower() == "electronic":
            record.issn_electronic = text(issn)
        else:
            record.issn_print = text(issn)
    return record
