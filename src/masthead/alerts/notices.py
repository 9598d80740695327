"""What an alert e-mail says, read from the database into the plain data `emails` renders.

Called by the job once per batch of readers: the issues' articles and their authors are
two queries whatever the number of readers; everything else came with the deliveries.
"""

from django.db.models import Prefetch
from django.urls import reverse

from masthead.alerts.emails import (
    ArticleLine,
    CitedArticle,
    CitingWork,
    IssueNotice,
    cited_email,
    new_issue_email,
)
from masthead.alerts.tokens import Named, make_token
from masthead.catalog.models import Article, Contributor, Issue
from masthead.citations.page import byline, doi_url
from masthead.discovery.sitemaps import absolute


def unsubscribe_url(named: Named) -> str:
    return absolute(reverse("alerts:unsubscribe", args=[make_token(named)]))


def issue_notices(issues: set[Issue]) -> dict[int, IssueNotice]:
    """Per issue id: the journal, the issue and its visible articles in their order.
    An issue with no visible article left is not in the answer."""
    if not issues:
        return {}
    authors = Contributor.objects.filter(role="author").only(
        "article_id", "role", "given_names", "surname", "suffix", "collab", "position"
    )
    articles = (
        Article.objects.visible()
        .filter(issue__in=issues)
        .order_by("position", "first_page", "pk")
        .only("pk", "doi", "title", "section", "issue_id", "position", "first_page")
        .prefetch_related(Prefetch("contributors", authors))
    )
    lines: dict[int, list[ArticleLine]] = {}
    for article in articles:
        lines.setdefault(article.issue_id, []).append(
            ArticleLine(
                title=article.title,
                authors=byline([c.display_name for c in article.contributors.all()]),
                url=absolute(article.get_absolute_url()),
                section=article.section,
            )
        )
    return {
        issue.pk: IssueNotice(
            journal_title=issue.journal.title,
            journal_url=absolute(issue.journal.get_absolute_url()),
            issue_label=issue.label,
            issue_url=absolute(issue.get_absolute_url()),
            year=issue.year,
            articles=tuple(lines[issue.pk]),
        )
        for issue in issues
        if issue.pk in lines
    }


def issue_letter(delivery, notice: IssueNotice):
    """The e-mail of one new issue to one reader (`delivery` with its subscription's user)."""
    user = delivery.subscription.user
    link = unsubscribe_url(Named(user.pk, journal_ids=(delivery.issue.journal_id,)))
    return new_issue_email(user.email, notice, link)


def cited_letter(user, deliveries: list):
    """One e-mail to a reader: each followed article cited since, and its new citing works."""
    works: dict[int, list[CitingWork]] = {}
    articles: dict[int, Article] = {}
    for delivery in sorted(deliveries, key=lambda d: (-(d.citation.year or 0), d.pk)):
        article = delivery.subscription.article
        articles[article.pk] = article
        works.setdefault(article.pk, []).append(citing_work(delivery.citation))
    cited = [
        CitedArticle(
            title=article.title,
            url=absolute(article.get_absolute_url()),
            unsubscribe_url=unsubscribe_url(Named(user.pk, article_ids=(pk,))),
            works=tuple(works[pk]),
        )
        for pk, article in sorted(articles.items())
    ]
    link = unsubscribe_url(Named(user.pk, article_ids=tuple(articles)))
    return cited_email(user.email, cited, link)


def citing_work(citation) -> CitingWork:
    """A citing work as the e-mail shows it (the DOI as registered, if hosted here)."""
    hosted = citation.citing_article
    doi = hosted.doi if hosted else citation.citing_doi
    return CitingWork(
        title=citation.title or doi,
        journal=citation.container,
        year=citation.year,
        doi=doi,
        url=doi_url(doi),
    )
