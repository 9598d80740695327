"""COUNTER Release 5.1 usage counting: plain events in, monthly metric counts out.

No Django here: the web layer appends `UsageEvent`s, a batch job calls `count()`.
The rules implemented (Code of Practice R5.1, section 7 "Processing" and section 3.3):

* Robots and crawlers are excluded from everything (7.8); the caller decides `is_robot`
  with the COUNTER robots list.
* Double-click filtering (7.2) applies to Total_Item_Investigations, Total_Item_Requests,
  No_License and Limit_Exceeded: two actions by the same user on the same URL at most
  30 seconds apart count once; the earlier one is removed and the later one retained,
  and a chain of such repeats collapses to its last action.
* Unique_Item_* count an item once per user-session (7.3), Unique_Title_* a title once
  per user-session (7.4), and Unique_Title_* exist only for Data_Types Book and
  Reference_Work (3.3.8: "MUST NOT be used for Data_Types other than Book and
  Reference_Work"), so a journal's titles never get them.
* Every non-denied action on an item is an Investigation; Requests are only retrievals of
  the content item itself (3.3.8), i.e. full text (HTML) and PDF. Denials are counted as
  No_License / Limit_Exceeded only.
* Access_Type is Controlled, Open or Free_To_Read (3.3.9); Access_Method is Regular or TDM
  (3.3.10), and TDM usage is kept apart by the Access_Method in every key.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

UTC = dt.UTC

ABSTRACT = "abstract"
FULL_TEXT = "full_text"
PDF = "pdf"
SUPPLEMENT = "supplement"
FIGURE = "figure"
CITATION_EXPORT = "citation_export"
DENIED = "denied"
KINDS = frozenset({ABSTRACT, FULL_TEXT, PDF, SUPPLEMENT, FIGURE, CITATION_EXPORT, DENIED})
# "Requests are limited to user activity related to retrieving or viewing the content item
# itself" (3.3.8): figures, supplements and citation exports are Investigations only.
REQUEST_KINDS = frozenset({FULL_TEXT, PDF})

TOTAL_ITEM_INVESTIGATIONS = "Total_Item_Investigations"
UNIQUE_ITEM_INVESTIGATIONS = "Unique_Item_Investigations"
UNIQUE_TITLE_INVESTIGATIONS = "Unique_Title_Investigations"
TOTAL_ITEM_REQUESTS = "Total_Item_Requests"
UNIQUE_ITEM_REQUESTS = "Unique_Item_Requests"
UNIQUE_TITLE_REQUESTS = "Unique_Title_Requests"
NO_LICENSE = "No_License"
LIMIT_EXCEEDED = "Limit_Exceeded"
METRIC_TYPES = (
    TOTAL_ITEM_INVESTIGATIONS,
    UNIQUE_ITEM_INVESTIGATIONS,
    UNIQUE_TITLE_INVESTIGATIONS,
    TOTAL_ITEM_REQUESTS,
    UNIQUE_ITEM_REQUESTS,
    UNIQUE_TITLE_REQUESTS,
    NO_LICENSE,
    LIMIT_EXCEEDED,
)
DENIAL_METRICS = {"no_license": NO_LICENSE, "limit_exceeded": LIMIT_EXCEEDED}

ACCESS_TYPES = frozenset({"Controlled", "Open", "Free_To_Read"})
ACCESS_METHODS = frozenset({"Regular", "TDM"})
# Unique_Title_* "MUST NOT be used for Data_Types other than Book and Reference_Work".
TITLE_METRIC_DATA_TYPES = frozenset({"Book", "Reference_Work"})

# "the time window for a double-click on any page is set at a maximum of 30 seconds between
# the first and second mouse clicks" (7.2): a gap of exactly 30 s is still a double-click.
DOUBLE_CLICK_WINDOW = dt.timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class UsageEvent:
    """One logged action on an item.

    ``session_id`` identifies the user as 7.2 and 7.3 rank them (username, user cookie,
    session cookie, or IP address + user agent); the caller builds it. It is used as is
    for double-click filtering. For unique counting the user-session is ``session_id`` +
    UTC date when ``tracked_session`` is true (a logged session ID) and ``session_id`` +
    UTC date + hour otherwise (the surrogate session of 7.3/7.4).

    ``url`` is the URL actually served: the abstract shown after a denial is its own event
    with its own URL. ``title_data_type`` is the title's COUNTER Data_Type; only Book and
    Reference_Work titles get Unique_Title_* metrics.
    """

    timestamp: dt.datetime
    session_id: str
    item_id: str
    title_id: str
    url: str
    kind: str
    denial_reason: str = ""
    access_type: str = "Controlled"
    access_method: str = "Regular"
    institution_id: int | None = None
    is_robot: bool = False
    tracked_session: bool = False
    title_data_type: str = "Journal"

    def __post_init__(self) -> None:
        offset = self.timestamp.utcoffset()
        if offset is None:
            raise ValueError("UsageEvent.timestamp must be timezone-aware")
        if offset or self.timestamp.tzinfo is not UTC:
            object.__setattr__(self, "timestamp", self.timestamp.astimezone(UTC))
        if self.kind not in KINDS:
            raise ValueError(f"unknown event kind {self.kind!r}")
        if self.kind == DENIED:
            if self.denial_reason not in DENIAL_METRICS:
                raise ValueError(f"denied event needs a denial_reason, got {self.denial_reason!r}")
        elif self.denial_reason:
            raise ValueError(f"{self.kind!r} event cannot have a denial_reason")
        if self.access_type not in ACCESS_TYPES:
            raise ValueError(f"unknown Access_Type {self.access_type!r}")
        if self.access_method not in ACCESS_METHODS:
            raise ValueError(f"unknown Access_Method {self.access_method!r}")


class CountKey(NamedTuple):
    """One cell of the monthly counts.

    ``item_id`` is None for the title-level metrics (Unique_Title_*), which belong to the
    title as a whole, so summing a title's rows gives the Title Report's numbers.
    """

    item_id: str | None
    title_id: str
    institution_id: int | None
    access_type: str
    access_method: str
    month: str  # "YYYY-MM", UTC
    metric_type: str


def _double_click_filtered(events: Iterable[UsageEvent]) -> list[UsageEvent]:
    """Drop robots, then apply the double-click rule of 7.2.

    The key is user + URL, kept apart for denials: the No_License note of 3.3.8 counts an
    automatic redirect to the abstract as both a No_License and an Investigation, so a denial
    and a served page for the same URL never cancel each other out.
    """
    ordered = sorted((e for e in events if not e.is_robot), key=lambda e: e.timestamp)
    pending: dict[tuple[str, str, bool], UsageEvent] = {}
    kept: list[UsageEvent] = []
    for event in ordered:
        key = (event.session_id, event.url, event.kind == DENIED)
        previous = pending.get(key)
        if previous is not None and event.timestamp - previous.timestamp > DOUBLE_CLICK_WINDOW:
            kept.append(previous)
        pending[key] = event
    kept.extend(pending.values())
    return kept


def count(events: Iterable[UsageEvent]) -> dict[CountKey, int]:
    """Count COUNTER R5.1 metrics for ``events`` (any order); zero counts are omitted."""
    # Rows and sessions are interned to small ints so the unique set stays compact (1e6 events).
    rows: dict[tuple, int] = {}
    sessions: dict[tuple, int] = {}
    totals: Counter[tuple[int, str]] = Counter()
    unique: set[tuple[int, str, int]] = set()
    for e in _double_click_filtered(events):
        ts = e.timestamp
        month = f"{ts.year:04d}-{ts.month:02d}"
        item = (e.item_id, e.title_id, e.institution_id, e.access_type, e.access_method, month)
        row = rows.setdefault(item, len(rows))
        if e.kind == DENIED:
            totals[(row, DENIAL_METRICS[e.denial_reason])] += 1
            continue
        day = ts.date()
        session = (e.session_id, day) if e.tracked_session else (e.session_id, day, ts.hour)
        sid = sessions.setdefault(session, len(sessions))
        request = e.kind in REQUEST_KINDS
        totals[(row, TOTAL_ITEM_INVESTIGATIONS)] += 1
        unique.add((row, UNIQUE_ITEM_INVESTIGATIONS, sid))
        if request:
            totals[(row, TOTAL_ITEM_REQUESTS)] += 1
            unique.add((row, UNIQUE_ITEM_REQUESTS, sid))
        if e.title_data_type in TITLE_METRIC_DATA_TYPES:
            title_row = rows.setdefault((None, *item[1:]), len(rows))
            unique.add((title_row, UNIQUE_TITLE_INVESTIGATIONS, sid))
            if request:
                unique.add((title_row, UNIQUE_TITLE_REQUESTS, sid))
    totals.update((row, metric_type) for row, metric_type, _ in unique)
    by_row = list(rows)
    return {CountKey(*by_row[row], metric_type): n for (row, metric_type), n in totals.items()}


def views_count(
    counts: Mapping[CountKey, int],
    item_id: str,
    *,
    months: Container[str] | None = None,
    include_tdm: bool = False,
) -> int:
    """An article's "Views": its Total_Item_Investigations over institutions and Access_Types.

    TDM downloads are left out unless ``include_tdm`` (they are not reader views, and 7.10
    keeps them out of the Standard Views too); ``months`` limits to some "YYYY-MM" months.
    """
    return sum(
        n
        for key, n in counts.items()
        if key.item_id == item_id
        and key.metric_type == TOTAL_ITEM_INVESTIGATIONS
        and (include_tdm or key.access_method == "Regular")
        and (months is None or key.month in months)
    )
