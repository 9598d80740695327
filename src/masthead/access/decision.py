"""The one access decision: may this reader do this with this item, and why.

Every route that serves content asks :func:`decide` and keeps the decision's reason:
the page shows it, usage statistics count it (COUNTER's No_License and Limit_Exceeded
come from here) and the logs keep it. No route has a shortcut of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Reason(StrEnum):
    OPEN = "open"
    FREE_TO_READ = "free_to_read"
    LICENCE = "licence"
    GRANT = "grant"
    NO_LICENSE = "no_license"
    LIMIT_EXCEEDED = "limit_exceeded"
    NOT_PUBLISHED = "not_published"


ALLOWING = {Reason.OPEN, Reason.FREE_TO_READ, Reason.LICENCE, Reason.GRANT}


class Action(StrEnum):
    ABSTRACT = "abstract"
    FULL_TEXT = "full_text"
    PDF = "pdf"
    XML = "xml"
    SUPPLEMENT = "supplement"


@dataclass(frozen=True)
class Reader:
    """Who is asking: what the request proves about them."""

    ip: str = ""
    user_id: int | None = None
    institution_ids: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class Item:
    """What is asked for, as far as access cares."""

    is_published: bool
    is_open_access: bool
    is_free_to_read: bool = False
    journal_id: int | None = None
    issue_id: int | None = None
    article_id: int | None = None


@dataclass(frozen=True)
class Decision:
    reason: Reason
    detail: str = ""

    @property
    def allowed(self) -> bool:
        return self.reason in ALLOWING


def decide(reader: Reader, item: Item, action: Action) -> Decision:
    """Decide for (reader, item, action). Abstracts of published items are public."""
    if not item.is_published:
        return Decision(Reason.NOT_PUBLISHED)
    if item.is_open_access:
        return Decision(Reason.OPEN)
    if item.is_free_to_read or action == Action.ABSTRACT:
        return Decision(Reason.FREE_TO_READ)
    return Decision(Reason.NO_LICENSE)
