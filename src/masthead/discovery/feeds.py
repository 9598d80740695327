"""RSS 2.0 and Atom 1.0 feeds of a journal: its latest articles and its current issue.

Django's syndication framework writes the formats. Links are absolute on
MASTHEAD_BASE_URL (the framework leaves absolute URLs alone), so a feed never carries the
request's Host header. Only published articles whose date has come are listed.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from masthead.catalog.models import Contributor, Journal
from masthead.citations.page import byline
from masthead.discovery.sitemaps import absolute
from masthead.related.documents import plain_text

LATEST = 50
SUMMARY_CHARS = 600


class LatestArticles(Feed):
    """A journal's latest published articles, newest first (RSS 2.0)."""

    kind = "latest"

    def get_object(self, request, code):
        return get_object_or_404(Journal.objects.select_related("publisher"), code=code)

    def title(self, journal):
        return f"{journal.title}: latest articles"

    def link(self, journal):
        return absolute(journal.get_absolute_url())

    def feed_url(self, journal):
        return absolute(f"{journal.get_absolute_url()}/feed/{self.kind}.{self.extension}")

    def description(self, journal):
        return journal.description or f"New articles in {journal.title}"

    extension = "rss"

    def items(self, journal):
        articles = journal.articles.visible()
        return _with_authors(articles.order_by("-published_online", "-pk"))[:LATEST]

    def item_title(self, article):
        return article.title

    def item_link(self, article):
        return absolute(article.get_absolute_url())

    def item_guid(self, article):
        return f"https://doi.org/{article.doi}"

    item_guid_is_permalink = False

    def item_description(self, article):
        abstract = next(iter(article.abstracts or []), None)
        text = plain_text(abstract["html"]) if abstract else ""
        return text[:SUMMARY_CHARS] + ("…" if len(text) > SUMMARY_CHARS else "")

    def item_author_name(self, article):
        return byline([c.display_name for c in article.contributors.all()]) or None

    def item_pubdate(self, article):
        day = article.published_online
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) if day else None

    def item_updateddate(self, article):
        return article.updated_at


class CurrentIssue(LatestArticles):
    """The articles of a journal's current issue, in their order in the issue."""

    kind = "current-issue"

    def title(self, journal):
        return f"{journal.title}: current issue"

    def items(self, journal):
        issue = journal.issues.first()  # issues are ordered newest first
        if issue is None:
            return []
        articles = issue.articles.visible()
        return _with_authors(articles.order_by("position", "first_page", "pk"))


class LatestArticlesAtom(LatestArticles):
    feed_type = Atom1Feed
    extension = "atom"
    subtitle = LatestArticles.description


class CurrentIssueAtom(CurrentIssue):
    feed_type = Atom1Feed
    extension = "atom"
    subtitle = CurrentIssue.description


def _with_authors(articles):
    authors = Contributor.objects.filter(role="author").order_by("position")
    return articles.prefetch_related(Prefetch("contributors", authors))
