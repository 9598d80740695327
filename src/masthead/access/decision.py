"""The one access decision: may this reader do this with this item, and why.

Every route that serves content asks :func:`decide` and keeps the decision's reason:
the page shows it, usage statistics count it (COUNTER's No_License and Limit_Exceeded
come from here) and the logs keep it. No route has a shortcut of its own. Pure: the
caller hands in the reader's licences and grants, the time, and a way to take a seat.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Reason(StrEnum):
    OPEN = "open"
    FREE_TO_READ = "free_to_read"
    LICENCE = "licence"
    GRANT = "grant"
    NO_LICENSE = "no_license"
    LIMIT_EXCEEDED = "limit_exceeded"
    NOT_PUBLISHED = "not_published"
    STAFF_PREVIEW = "staff_preview"  # staff reading what is not (yet) published


ALLOWING = {Reason.OPEN, Reason.FREE_TO_READ, Reason.LICENCE, Reason.GRANT, Reason.STAFF_PREVIEW}


class Action(StrEnum):
    ABSTRACT = "abstract"
    FULL_TEXT = "full_text"
    PDF = "pdf"
    XML = "xml"
    SUPPLEMENT = "supplement"


@dataclass(frozen=True)
class Item:
    """What is asked for, as far as access cares."""

    is_published: bool
    is_open_access: bool
    is_free_to_read: bool = False
    journal_id: int | None = None
    issue_id: int | None = None
    article_id: int | None = None
    year: int | None = None  # of publication: licences and perpetual access cover years
    volume: int | None = None


@dataclass(frozen=True)
class LicenceTerms:
    licence_id: int
    institution_id: int
    institution_name: str
    journal_id: int
    starts_on: date
    ends_on: date | None = None
    first_year: int | None = None
    last_year: int | None = None
    first_volume: int | None = None
    last_volume: int | None = None
    perpetual_first_year: int | None = None
    perpetual_last_year: int | None = None
    concurrent_users: int | None = None

    def covers(self, item: Item, today: date) -> bool:
        if item.journal_id != self.journal_id or not self._in_ranges(item):
            return False
        current = self.starts_on <= today and (self.ends_on is None or today <= self.ends_on)
        return current or self._perpetual(item)

    def _in_ranges(self, item: Item) -> bool:
        return _within(item.year, self.first_year, self.last_year) and _within(
            item.volume, self.first_volume, self.last_volume
        )

    def _perpetual(self, item: Item) -> bool:
        if self.perpetual_first_year is None and self.perpetual_last_year is None:
            return False
        return item.year is not None and _within(
            item.year, self.perpetual_first_year, self.perpetual_last_year
        )


@dataclass(frozen=True)
class GrantTerms:
    grant_id: int
    starts_at: datetime
    ends_at: datetime
    article_id: int | None = None
    issue_id: int | None = None
    journal_id: int | None = None

    def covers(self, item: Item, now: datetime) -> bool:
        if not (self.starts_at <= now < self.ends_at):  # the end is exclusive
            return False
        if self.article_id is not None:
            return self.article_id == item.article_id
        if self.issue_id is not None:
            return self.issue_id == item.issue_id
        return self.journal_id is not None and self.journal_id == item.journal_id


@dataclass(frozen=True)
class Reader:
    """Who is asking: what the request proves about them, and what they hold."""

    ip: str = ""
    user_id: int | None = None
    is_staff: bool = False
    institution_ids: tuple[int, ...] = ()
    licences: tuple[LicenceTerms, ...] = field(default=())
    grants: tuple[GrantTerms, ...] = field(default=())


@dataclass(frozen=True)
class Decision:
    reason: Reason
    institution_id: int | None = None
    institution_name: str = ""
    licence_id: int | None = None
    grant_id: int | None = None
    ends_at: datetime | None = None  # when the grant that allows it ends

    @property
    def allowed(self) -> bool:
        return self.reason in ALLOWING

    @property
    def key(self) -> str:
        """What of the decision a cached page depends on."""
        return f"{self.reason}:{self.institution_id or ''}"


def decide(
    reader: Reader,
    item: Item,
    action: Action,
    now: datetime,
    take_seat: Callable[[LicenceTerms], bool] | None = None,
) -> Decision:
    """Decide for (reader, item, action). Abstracts of published items are public.

    `take_seat` is asked only for a licence with a concurrent-user limit; a reader whose
    every covering licence is full gets LIMIT_EXCEEDED (unless a grant lets them in).
    """
    if not item.is_published:
        return Decision(Reason.STAFF_PREVIEW if reader.is_staff else Reason.NOT_PUBLISHED)
    if item.is_open_access:
        return Decision(Reason.OPEN)
    if item.is_free_to_read or action == Action.ABSTRACT:
        return Decision(Reason.FREE_TO_READ)
    full = None
    for licence in reader.licences:
        if licence.institution_id not in reader.institution_ids:
            continue
        if not licence.covers(item, now.date()):
            continue
        if licence.concurrent_users is not None and not (take_seat and take_seat(licence)):
            full = full or licence
            continue
        return Decision(
            Reason.LICENCE,
            licence.institution_id,
            licence.institution_name,
            licence_id=licence.licence_id,
        )
    for grant in reader.grants:
        if grant.covers(item, now):
            return Decision(Reason.GRANT, grant_id=grant.grant_id, ends_at=grant.ends_at)
    if full is not None:
        return Decision(
            Reason.LIMIT_EXCEEDED,
            full.institution_id,
            full.institution_name,
            licence_id=full.licence_id,
        )
    return Decision(Reason.NO_LICENSE)


def _within(value: int | None, low: int | None, high: int | None) -> bool:
    if low is None and high is None:
        return True
    if value is None:
        return False
    return (low is None or low <= value) and (high is None or value <= high)
