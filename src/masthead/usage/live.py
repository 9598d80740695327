"""The Views count between rollups: raw events folded into LiveViews every few seconds.

The worker runs `process_usage` every ten seconds, which calls `fold()`. A fold takes the
raw events from where the last one stopped up to `LAG` ago, counts them with the same code
as the day's processing (robots out, double-clicks out, with the next 30 seconds as a
lookahead so a click is only counted once no repeat can follow it), and adds each
article's Total_Item_Investigations (Regular, all usage) to its LiveViews row for the day.
Each event is folded exactly once: the watermark moves in the same transaction, and only
if no other worker moved it first.

A page reads one number per article (rollups of processed days + LiveViews of the days
after), whatever the article's traffic; once a day is processed its LiveViews rows go.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min
from django.utils import timezone

from masthead.sql import as_date
from masthead.usage import counter, processing
from masthead.usage.models import Event, LiveViews, ProcessedDay, Watermark

NAME = "live-views"
# The 30-second double-click lookahead, and a few seconds for requests still committing.
LAG = processing.LOOKAHEAD + dt.timedelta(seconds=5)


def _start(mark: dt.datetime | None) -> dt.datetime | None:
    """Where this fold begins: where the last one stopped, but never before the end of the
    last processed day (those views are in rollups); the first time, at the first event's
    midnight."""
    last = ProcessedDay.objects.aggregate(last=Max("day"))["last"]
    floor = processing.midnight(last + dt.timedelta(days=1)) if last is not None else None
    if mark is not None:
        return max(mark, floor) if floor else mark
    if floor is not None:
        return floor
    first = Event.objects.aggregate(first=Min("occurred_at"))["first"]
    return processing.midnight(as_date(first)) if first else None


def count_views(since: dt.datetime, until: dt.datetime) -> dict[int, int]:
    """{item_id: Views} of the raw events in [since, until), within one UTC day."""
    day = since.astimezone(dt.UTC).date()
    origin = processing.midnight(day)
    rows = processing.read_events(day, until + processing.LOOKAHEAD, since=since, stream=False)
    tally = processing.count_rows(rows, until=(until - origin) // dt.timedelta(microseconds=1))
    views: dict[int, int] = {}
    for (item, _title, institution, _yop, _type, method), metric, n in tally.items():
        if metric == counter.TOTAL_ITEM_INVESTIGATIONS and institution is None:
            if method == "Regular":
                views[item] = views.get(item, 0) + n
    return views


def fold(now: dt.datetime | None = None) -> int:
    """Fold the raw events up to `LAG` ago into LiveViews; returns the views added."""
    until = (now or timezone.now()) - LAG
    added = 0
    while True:
        mark = Watermark.objects.filter(name=NAME).values_list("at", flat=True).first()
        since = _start(mark)
        if since is None or since >= until:
            return added
        # One day at a time: a LiveViews row belongs to a day.
        end = min(until, processing.midnight(since.astimezone(dt.UTC).date()) + dt.timedelta(1))
        views = count_views(since, end)
        if not _commit(since, end, mark, views):
            return added  # another worker folded this stretch
        added += sum(views.values())


def _commit(since, end, mark, views: dict[int, int]) -> bool:
    day = since.astimezone(dt.UTC).date()
    try:
        with transaction.atomic():
            if mark is None:
                Watermark.objects.create(name=NAME, at=end)
            elif not Watermark.objects.filter(name=NAME, at=mark).update(at=end):
                raise _Moved
            for item_id, n in views.items():
                if not LiveViews.objects.filter(item_id=item_id, day=day).update(
                    views=F("views") + n
                ):
                    LiveViews.objects.create(item_id=item_id, day=day, views=n)
    except (_Moved, IntegrityError):
        return False
    return True


class _Moved(Exception):
    """The watermark moved under us: another worker folded the same events."""


def backlog() -> int:
    """Raw events not yet folded into the Views count (the usage worker's backlog)."""
    mark = Watermark.objects.filter(name=NAME).values_list("at", flat=True).first()
    since = _start(mark)
    if since is None:
        return Event.objects.count()
    return Event.objects.filter(occurred_at__gte=since).count()
