"""Absolute links (on MASTHEAD_BASE_URL, never the Host header) between the API's
resources and to the platform's own pages."""

from urllib.parse import urlencode

from django.urls import reverse

from masthead.citations.page import doi_url
from masthead.discovery.sitemaps import absolute


def url(name: str, *args, query: dict | None = None) -> str:
    path = reverse(name, args=args)
    return absolute(path + ("?" + urlencode(query) if query else ""))


def journal_links(journal) -> dict:
    code = journal.code
    return {
        "self": url("api:journal", code),
        "web": absolute(journal.get_absolute_url()),
        "issues": url("api:journal_issues", code),
        "articles": url("api:articles", query={"journal": code}),
        "feeds": {
            "latest_rss": url("discovery:feed_latest", code),
            "latest_atom": url("discovery:atom_latest", code),
            "current_issue_rss": url("discovery:feed_issue", code),
            "current_issue_atom": url("discovery:atom_issue", code),
        },
        "sitemap": url("discovery:journal_sitemap", code, 1),
    }


def issue_links(issue) -> dict:
    """`issue.journal` should be loaded with the issue (select_related)."""
    return {
        "self": url("api:issue", issue.pk),
        "web": absolute(issue.get_absolute_url()),
        "articles": url("api:articles", query={"issue": issue.pk}),
        "journal": url("api:journal", issue.journal.code),
    }


def article_links(article, *, has_full_text: bool, has_pdf: bool) -> dict:
    doi = article.doi
    return {
        "self": url("api:article", doi),
        "doi": doi_url(doi),
        "article_page": url("reader:article", doi),
        "full_text": url("reader:full_text", doi) if has_full_text else None,
        "pdf": url("reader:pdf", doi) if has_pdf else None,
        "references": url("api:article_references", doi),
        "metrics": url("api:article_metrics", doi),
        "journal": url("api:journal", article.journal.code),
        "issue": url("api:issue", article.issue_id) if article.issue_id else None,
    }
