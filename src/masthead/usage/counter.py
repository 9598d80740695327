"""COUNTER Release 5.1 usage counting: plain events in, monthly metric counts out.

No Django here. `count()` takes validated `UsageEvent`s; the batch job (processing.py) feeds
`count_actions()` plain `Action` tuples in time order, the same rules without the per-event
validation.

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
from collections.abc import Container, Hashable, Iterable, Mapping
from dataclasses import dataclass
from operator import itemgetter
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


class Action(NamedTuple):
    """An event as `count_actions` takes it: already valid, robots already left out.

    The fast path for batch processing, which builds plain tuples of this shape (no
    validation, no timezone handling per event). ``at`` is any time value whose differences
    compare with the ``window`` given to `count_actions` (datetimes with a timedelta, or
    integer microseconds with 30_000_000). ``user`` is who the user is for double-clicks
    (7.2); ``session`` the user-session for unique counting (7.3), built by the caller.
    ``rows`` are the report rows the action counts in (one per attribution: all usage first,
    then each institution of the reader; groups of rows that share a row must share their
    first one); ``title_rows`` the rows of its Unique_Title_* metrics, likewise, empty
    unless the title's Data_Type is Book or Reference_Work.
    """

    at: object
    user: str
    url: str
    kind: str
    denial_reason: str
    session: Hashable
    rows: tuple
    title_rows: tuple = ()


def double_click_filtered(actions: Iterable[tuple], window=DOUBLE_CLICK_WINDOW) -> list[tuple]:
    """The actions 7.2 keeps: of repeats by one user on one URL at most `window` apart, the last.

    ``actions`` must come in time order. The key is user + URL, kept apart for denials: the
    No_License note of 3.3.8 counts an automatic redirect to the abstract as both a
    No_License and an Investigation, so a denial and a served page for the same URL never
    cancel each other out.
    """
    pending: dict[tuple[str, str, bool], tuple] = {}
    kept: list[tuple] = []
    get = pending.get
    for action in actions:
        key = (action[1], action[2], action[3] == DENIED)
        previous = get(key)
        if previous is not None and action[0] - previous[0] > window:
            kept.append(previous)
        pending[key] = action
    kept.extend(pending.values())
    return kept


def _spread(counts: Mapping[tuple, int], into: dict, metric_type: str) -> None:
    """Counts by group of rows (an action's ``rows``) added to each row of the group."""
    for rows, n in counts.items():
        for row in rows:
            key = (row, metric_type)
            into[key] = into.get(key, 0) + n


class _Unique:
    """Unique (row, user-session) pairs, tallied by the action's group of rows.

    Groups that share a row share their first row (an item's all-usage row, with its
    institutions' rows after it), so one session is recorded once per first row; a session
    that comes back with another group for the same first row (a reader whose institutions
    changed) adds only the rows it did not count yet.
    """

    __slots__ = ("first", "extra")

    def __init__(self) -> None:
        self.first: dict[tuple[Hashable, Hashable], tuple] = {}
        self.extra: dict[tuple[Hashable, Hashable], set] = {}

    def add(self, rows: tuple, session: Hashable) -> None:
        key = (rows[0], session)
        seen = self.first.setdefault(key, rows)
        if seen is not rows and seen != rows:
            self.more(key, rows, seen)

    def more(self, key: tuple, rows: tuple, seen: tuple) -> None:
        self.extra.setdefault(key, set()).update(r for r in rows if r not in seen)

    def spread(self, into: dict, metric_type: str) -> None:
        counts: Counter[tuple] = Counter(self.first.values())
        counts.update((r,) for rows in self.extra.values() for r in rows)
        _spread(counts, into, metric_type)


def count_actions(
    actions: Iterable[tuple], *, window=DOUBLE_CLICK_WINDOW, until=None
) -> dict[tuple[Hashable, str], int]:
    """Count ``actions`` (`Action`-shaped tuples in time order): {(row, metric_type): n}.

    Actions at or after ``until`` are a lookahead: they only take part in double-click
    filtering (a click just after midnight removes the one just before it) and are never
    counted themselves. Actions are tallied by their group of rows and spread over the rows
    at the end, so an action costs the same however many institutions it counts for.
    """
    investigations: Counter[tuple] = Counter()
    requests: Counter[tuple] = Counter()
    denials: dict[str, Counter[tuple]] = {metric: Counter() for metric in DENIAL_METRICS.values()}
    unique_investigations = _Unique()
    unique_requests = _Unique()
    title_investigations = _Unique()
    title_requests = _Unique()
    first_investigations = unique_investigations.first.setdefault
    first_requests = unique_requests.first.setdefault
    for at, _user, _url, kind, reason, session, rows, title_rows in double_click_filtered(
        actions, window
    ):
        if until is not None and at >= until:
            continue
        if kind == DENIED:
            denials[DENIAL_METRICS[reason]][rows] += 1
            continue
        investigations[rows] += 1
        key = (rows[0], session)
        # unique_investigations.add(rows, session), inline: this loop runs once per action.
        seen = first_investigations(key, rows)
        if seen is not rows and seen != rows:
            unique_investigations.more(key, rows, seen)
        if kind in REQUEST_KINDS:
            requests[rows] += 1
            seen = first_requests(key, rows)
            if seen is not rows and seen != rows:
                unique_requests.more(key, rows, seen)
            if title_rows:
                title_requests.add(title_rows, session)
        if title_rows:
            title_investigations.add(title_rows, session)
    totals: dict[tuple[Hashable, str], int] = {}
    _spread(investigations, totals, TOTAL_ITEM_INVESTIGATIONS)
    _spread(requests, totals, TOTAL_ITEM_REQUESTS)
    for metric_type, counts in denials.items():
        _spread(counts, totals, metric_type)
    unique_investigations.spread(totals, UNIQUE_ITEM_INVESTIGATIONS)
    unique_requests.spread(totals, UNIQUE_ITEM_REQUESTS)
    title_investigations.spread(totals, UNIQUE_TITLE_INVESTIGATIONS)
    title_requests.spread(totals, UNIQUE_TITLE_REQUESTS)
    return totals


def count(events: Iterable[UsageEvent]) -> dict[CountKey, int]:
    """Count COUNTER R5.1 metrics for ``events`` (any order); zero counts are omitted."""
    actions = []
    for e in events:
        if e.is_robot:
            continue
        ts = e.timestamp
        month = f"{ts.year:04d}-{ts.month:02d}"
        row = (e.item_id, e.title_id, e.institution_id, e.access_type, e.access_method, month)
        day = ts.date()
        session = (e.session_id, day) if e.tracked_session else (e.session_id, day, ts.hour)
        title_rows = ((None, *row[1:]),) if e.title_data_type in TITLE_METRIC_DATA_TYPES else ()
        actions.append(
            (ts, e.session_id, e.url, e.kind, e.denial_reason, session, (row,), title_rows)
        )
    actions.sort(key=itemgetter(0))
    return {
        CountKey(*row, metric_type): n for (row, metric_type), n in count_actions(actions).items()
    }


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
