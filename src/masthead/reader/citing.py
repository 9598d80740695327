"""From an article row to the plain data that citation exports take."""

import re

from django.conf import settings
from django.utils.html import strip_tags

from masthead.catalog.models import Article
from masthead.citations.export import CitedWork


def cited_work(article: Article) -> CitedWork:
    authors = [
        (c.surname or c.collab, c.given_names)
        for c in article.contributors.all()
        if c.role == "author"
    ]
    abstract = article.main_abstract
    issue = article.issue
    return CitedWork(
        title=article.title,
        authors=authors,
        journal_title=article.journal.title,
        journal_abbreviation=article.journal.abbreviation,
        issn=article.journal.issn,
        publisher=article.journal.publisher.name,
        volume=issue.volume if issue else "",
        issue=issue.number if issue else "",
        first_page=article.first_page,
        last_page=article.last_page,
        elocation_id=article.elocation_id,
        published=article.published_online or article.issue_date,
        doi=article.doi,
        url=settings.MASTHEAD_BASE_URL + article.get_absolute_url(),
        abstract=" ".join(strip_tags(abstract["html"]).split()) if abstract else "",
        keywords=list(article.keywords),
        article_type=article.section,
        language=article.language,
    )


def download_name(article: Article) -> str:
    """A file name from the DOI that every operating system accepts."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", article.doi)[:120] or "citation"
