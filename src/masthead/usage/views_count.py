"""An article's "Views": Total_Item_Investigations, Access_Method Regular, all usage.

At most a minute behind: the DailyUsage rollups of processed days, plus the item's raw
events since the last processed day counted live by the same code as processing (robots
and double-clicks out), cached 60 seconds per item. Two queries on a cache miss.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from masthead.usage import counter, processing

CACHE_SECONDS = 60


def _key(item_id: int) -> str:
    return f"usage:views:{item_id}"


def _processed(item_ids: list[int]) -> tuple[dt.date | None, dict[int, int]]:
    """The last processed day and the items' rolled-up Views up to it, in one query."""
    marks = ", ".join(["%s"] * len(item_ids))
    sql = f"""
        SELECT NULL, MAX(day), 0 FROM usage_processedday
        UNION ALL
        SELECT item_id, NULL, SUM(count) FROM usage_dailyusage
        WHERE item_id IN ({marks}) AND institution_id IS NULL AND metric_type = %s
            AND access_method = 'Regular'
            AND day <= (SELECT MAX(day) FROM usage_processedday)
        GROUP BY item_id"""  # noqa: S608 - placeholders only
    with connection.cursor() as cursor:
        cursor.execute(sql, [*item_ids, counter.TOTAL_ITEM_INVESTIGATIONS])
        rows = cursor.fetchall()
    last = None
    views = {}
    for item_id, day, n in rows:
        if item_id is None:
            last = processing.as_day(day)
        else:
            views[int(item_id)] = int(n)
    return last, views


def _live(item_ids: list[int], since: dt.date, now: dt.datetime) -> dict[int, int]:
    """The items' Views in raw events from midnight of `since` on, counted as processing does."""
    rows = processing.read_events(since, now + dt.timedelta(days=1), item_ids, stream=False)
    views: dict[int, int] = {}
    for row, metric, n in processing.count_rows(rows).items():
        item_id, _title, institution, _yop, _access_type, access_method = row
        if metric == counter.TOTAL_ITEM_INVESTIGATIONS and institution is None:
            if access_method == "Regular":
                views[item_id] = views.get(item_id, 0) + n
    return views


def views_counts(item_ids: Iterable[int]) -> dict[int, int]:
    """Views of several articles (for lists): {item_id: n}, cached per item."""
    ids = list(dict.fromkeys(int(i) for i in item_ids))
    if not ids:
        return {}
    cached = cache.get_many([_key(i) for i in ids])
    result = {i: cached[_key(i)] for i in ids if _key(i) in cached}
    missing = [i for i in ids if i not in result]
    if missing:
        now = timezone.now()
        last, views = _processed(missing)
        since = last + dt.timedelta(days=1) if last else dt.date(1970, 1, 1)
        for item_id, n in _live(missing, since, now).items():
            views[item_id] = views.get(item_id, 0) + n
        fresh = {i: views.get(i, 0) for i in missing}
        cache.set_many({_key(i): n for i, n in fresh.items()}, CACHE_SECONDS)
        result.update(fresh)
    return result


def views_count(item_id: int) -> int:
    """An article's Views since publication, robots and double-clicks out, cached 60 s."""
    return views_counts([item_id])[int(item_id)]
