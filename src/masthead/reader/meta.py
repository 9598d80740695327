"""Head tags that indexers and reference managers read on an article page.

Highwire Press ``citation_*`` (Google Scholar's inclusion rules), Dublin Core, Open Graph
and a schema.org ScholarlyArticle in JSON-LD. Every value is escaped here.
"""

import json
from datetime import date

from django.conf import settings
from django.utils.html import escape, strip_tags

from masthead.catalog.models import Article, Contributor, Reference


def _url(path: str) -> str:
    return settings.MASTHEAD_BASE_URL + path


def _highwire_date(value: date | None) -> str:
    return value.strftime("%Y/%m/%d") if value else ""


def highwire(article: Article, contributors: list[Contributor], references: list[Reference]):
    journal, issue = article.journal, article.issue
    tags = [("citation_title", article.title)]
    for person in contributors:
        if person.role != "author":
            continue
        tags.append(("citation_author", person.display_name))
        tags += [("citation_author_institution", a["text"]) for a in person.affiliations]
        if person.orcid:
            tags.append(("citation_author_orcid", f"https://orcid.org/{person.orcid}"))
    tags += [
        ("citation_journal_title", journal.title),
        ("citation_journal_abbrev", journal.abbreviation),
        ("citation_publisher", journal.publisher.name),
        ("citation_issn", journal.issn_print),
        ("citation_issn", journal.issn_online),
        ("citation_volume", issue.volume if issue else ""),
        ("citation_issue", issue.number if issue else ""),
        ("citation_firstpage", article.first_page or article.elocation_id),
        ("citation_lastpage", article.last_page),
        (
            "citation_publication_date",
            _highwire_date(article.issue_date or article.published_online),
        ),
        ("citation_online_date", _highwire_date(article.published_online)),
        ("citation_doi", article.doi),
        ("citation_language", article.language),
        ("citation_abstract_html_url", _url(article.get_absolute_url())),
    ]
    if article.keywords:
        tags.append(("citation_keywords", "; ".join(article.keywords)))
    if article.has_full_text:
        tags.append(("citation_fulltext_html_url", _url(f"/doi/full/{article.doi}")))
        # Google Scholar takes the PDF only from the article's own host.
        tags.append(("citation_pdf_url", _url(f"/doi/pdf/{article.doi}")))
    tags += [("citation_reference", _reference_tag(ref)) for ref in references]
    return [(name, value) for name, value in tags if value]


def _reference_tag(ref: Reference) -> str:
    parts = [f"citation_author={', '.join(a for a in author if a)}" for author in ref.authors[:5]]
    for name, value in (
        ("citation_title", ref.article_title),
        ("citation_journal_title", ref.source),
        ("citation_publication_date", ref.year),
        ("citation_volume", ref.volume),
        ("citation_firstpage", ref.first_page),
        ("citation_doi", ref.doi),
    ):
        if value:
            parts.append(f"{name}={value}")
    return "; ".join(p.replace(";", ",") for p in parts) if parts else ref.original_text


def dublin_core(article: Article, contributors: list[Contributor]):
    tags = [("dc.title", article.title)]
    tags += [("dc.creator", c.display_name) for c in contributors if c.role == "author"]
    tags += [
        ("dc.publisher", article.journal.publisher.name),
        ("dc.date", article.published_online.isoformat() if article.published_online else ""),
        ("dc.type", "Text"),
        ("dc.identifier", f"doi:{article.doi}"),
        ("dc.language", article.language),
        ("dc.rights", article.license_url or article.copyright_statement),
    ]
    tags += [("dc.subject", k) for k in article.keywords]
    return [(name, value) for name, value in tags if value]


def open_graph(article: Article):
    abstract = article.main_abstract
    description = strip_tags(abstract["html"])[:300] if abstract else ""
    return [
        (name, value)
        for name, value in (
            ("og:type", "article"),
            ("og:title", article.title),
            ("og:url", _url(article.get_absolute_url())),
            ("og:site_name", settings.MASTHEAD_SITE_NAME),
            ("og:description", " ".join(description.split())),
        )
        if value
    ]


def json_ld(article: Article, contributors: list[Contributor]) -> dict:
    issue = article.issue
    data = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": article.title[:110],
        "name": article.title,
        "identifier": f"https://doi.org/{article.doi}",
        "url": _url(article.get_absolute_url()),
        "author": [_person(c) for c in contributors if c.role == "author"],
        "publisher": {"@type": "Organization", "name": article.journal.publisher.name},
        "isAccessibleForFree": article.is_open_access or article.is_free_to_read,
        "isPartOf": {
            "@type": "Periodical",
            "name": article.journal.title,
            "issn": [i for i in (article.journal.issn_print, article.journal.issn_online) if i],
        },
    }
    if issue is not None:
        data["isPartOf"] = {
            "@type": "PublicationIssue",
            "issueNumber": issue.number,
            "isPartOf": {
                "@type": "PublicationVolume",
                "volumeNumber": issue.volume,
                "isPartOf": data["isPartOf"],
            },
        }
    if article.published_online:
        data["datePublished"] = article.published_online.isoformat()
    if article.first_page:
        data["pageStart"] = article.first_page
    if article.last_page:
        data["pageEnd"] = article.last_page
    if article.keywords:
        data["keywords"] = article.keywords
    if article.license_url:
        data["license"] = article.license_url
    return data


def _person(c: Contributor) -> dict:
    if c.collab and not c.surname:
        return {"@type": "Organization", "name": c.collab}
    person = {
        "@type": "Person",
        "name": c.display_name,
        "familyName": c.surname,
        "givenName": c.given_names,
    }
    if c.orcid:
        person["sameAs"] = f"https://orcid.org/{c.orcid}"
    if c.affiliations:
        person["affiliation"] = [
            {"@type": "Organization", "name": a["text"]} for a in c.affiliations
        ]
    return person


_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def head_tags(article: Article, contributors, references) -> str:
    """The whole block of head tags as HTML."""
    lines = [f'<link rel="canonical" href="{escape(_url(article.get_absolute_url()))}">']
    for name, value in highwire(article, contributors, references) + dublin_core(
        article, contributors
    ):
        lines.append(f'<meta name="{escape(name)}" content="{escape(value)}">')
    for prop, value in open_graph(article):
        lines.append(f'<meta property="{escape(prop)}" content="{escape(value)}">')
    payload = json.dumps(json_ld(article, contributors), ensure_ascii=False)
    lines.append(f'<script type="application/ld+json">{payload.translate(_JSON_ESCAPES)}</script>')
    return "\n".join(lines)
