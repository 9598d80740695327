"""The Django side of the access decision: build its inputs from a request and an article."""

from typing import Protocol

from django.http import HttpRequest

from masthead.access.decision import Action, Decision, Item, Reader, decide


class AccessibleItem(Protocol):
    """What access needs to know of an article (a row or the reader's narrow ArticleRef)."""

    pk: int
    is_published: bool
    is_free_to_read: bool
    journal_id: int
    issue_id: int | None

    @property
    def is_open_access(self) -> bool: ...


def reader_for(request: HttpRequest) -> Reader:
    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and user.is_authenticated else None
    return Reader(ip=request.META.get("REMOTE_ADDR", ""), user_id=user_id)


def item_for(article: AccessibleItem) -> Item:
    return Item(
        is_published=article.is_published,
        is_open_access=article.is_open_access,
        is_free_to_read=article.is_free_to_read,
        journal_id=article.journal_id,
        issue_id=article.issue_id,
        article_id=article.pk,
    )


def decide_for_request(request: HttpRequest, article: AccessibleItem, action: Action) -> Decision:
    decision = decide(reader_for(request), item_for(article), action)
    request.access_decision = decision  # kept for logging and usage recording
    return decision
