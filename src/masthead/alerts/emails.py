"""The alert e-mails, from plain data: a plain-text body, an HTML alternative, and the
unsubscribe link in the body and in the List-Unsubscribe headers (RFC 2369, RFC 8058).

Everything shown comes from titles that others wrote (authors, Crossref): the HTML part
is a Django template with autoescaping, and subjects are folded to one line.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from masthead.discovery.sitemaps import absolute

SUBJECT_CHARS = 200


@dataclass(frozen=True)
class ArticleLine:
    title: str
    authors: str  # "A, B, C et al."
    url: str
    section: str = ""


@dataclass(frozen=True)
class IssueNotice:
    journal_title: str
    journal_url: str
    issue_label: str
    issue_url: str
    year: int | None
    articles: tuple[ArticleLine, ...]


@dataclass(frozen=True)
class CitingWork:
    title: str
    journal: str
    year: int | None
    doi: str
    url: str  # the DOI link (our page for a work hosted here)


@dataclass(frozen=True)
class CitedArticle:
    title: str
    url: str
    unsubscribe_url: str  # this article's alert alone
    works: tuple[CitingWork, ...]


def one_line(text: str, limit: int = SUBJECT_CHARS) -> str:
    """A header-safe line: whitespace (newlines included) folded, cut at `limit`."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def new_issue_email(to: str, notice: IssueNotice, unsubscribe_url: str) -> EmailMultiAlternatives:
    subject = f"New issue of {notice.journal_title}: {notice.issue_label}"
    context = {"notice": notice}
    return _email(to, subject, "alerts/email/new_issue", context, unsubscribe_url)


def cited_email(
    to: str, articles: list[CitedArticle], unsubscribe_url: str
) -> EmailMultiAlternatives:
    works = sum(len(a.works) for a in articles)
    if len(articles) == 1:
        subject = f"Cited {_times(works)}: {articles[0].title}"
    else:
        subject = f"{len(articles)} of your followed articles were cited"
    context = {"articles": articles, "works": works}
    return _email(to, subject, "alerts/email/cited", context, unsubscribe_url)


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def _email(
    to: str, subject: str, template: str, context: dict, unsubscribe_url: str
) -> EmailMultiAlternatives:
    context = context | {
        "site_name": settings.MASTHEAD_SITE_NAME,
        "unsubscribe_url": unsubscribe_url,
        "my_alerts_url": absolute(reverse("alerts:my_alerts")),
    }
    message = EmailMultiAlternatives(
        subject=one_line(subject),
        body=render_to_string(f"{template}.txt", context),
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",  # RFC 3834: no out-of-office replies
        },
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
