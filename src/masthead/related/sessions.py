"""Reading sessions from raw usage events: what People also read learns from.

The same reader COUNTER counts (usage/counter.py, usage/processing.py), so co-readership
and the Views count agree on who a reader is:

* robots and crawlers are out, judged by `processing.is_robot` (the COUNTER robots list,
  memoised per user agent, 7.8);
* denials are out: a reader turned away from the full text did not read it (the abstract
  shown instead is its own event and does count);
* TDM is out (Access_Method "TDM", 3.3.10): a harvesting script is not a reader, so only
  "Regular" access counts;
* every other kind is an Item Investigation (abstract, full text, PDF, figure, supplement,
  citation export) and counts as reading the article;
* the session is COUNTER's user-session (7.3), as `processing.count_rows` builds it: a
  logged session (``tracked_session``) lasts the UTC day, any other the UTC hour.

Repeat reads and double-clicks need no filtering here: co-readership counts an article
once per session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from masthead.related.coreadership import Read
from masthead.usage import counter
from masthead.usage.models import Event
from masthead.usage.processing import is_robot

CHUNK = 10_000
INVESTIGATION_KINDS = sorted(counter.KINDS - {counter.DENIED})  # an unknown kind is no read
HOUR = 3600
DAY = 24 * HOUR


def session_key(session_id: str, tracked: bool, at: float) -> str:
    """COUNTER 7.3's user-session for an event at `at` (seconds since the epoch, UTC)."""
    if tracked:
        return f"{session_id}/d{int(at // DAY)}"
    return f"{session_id}/h{int(at // HOUR)}"


def reading_sessions(
    since: dt.datetime,
    until: dt.datetime | None = None,
    *,
    using: str = "default",
    chunk_size: int = CHUNK,
) -> Iterator[Read]:
    """Human article investigations from `since` to `until` (excluded), in time order.

    Bounded by ``occurred_at`` (indexed) and streamed in chunks, so a year of events is
    never held as model instances; `using` is the database alias to read.
    """
    events = Event.objects.using(using).filter(occurred_at__gte=since)
    if until is not None:
        events = events.filter(occurred_at__lt=until)
    rows = (
        events.filter(kind__in=INVESTIGATION_KINDS, denial_reason="", access_method="Regular")
        .order_by("occurred_at", "id")
        .values_list("occurred_at", "session_id", "tracked_session", "item_id", "user_agent")
    )
    for occurred_at, session_id, tracked, item_id, user_agent in rows.iterator(chunk_size):
        if is_robot(user_agent):
            continue
        at = occurred_at.timestamp()
        yield Read(session_key(session_id, tracked, at), item_id, at)
