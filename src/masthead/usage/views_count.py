"""An article's "Views": Total_Item_Investigations, Access_Method Regular, all usage, since
publication, robots and double-clicks out.

One indexed query: the rollups of processed days plus the LiveViews the usage worker
folds in every few seconds (live.py) for the days after. Cached `CACHE_SECONDS` per item:
with the fold's lag and the worker's pass, a view shows within a minute.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache

from masthead.sql import fetch_all

CACHE_SECONDS = 15

# Literal conditions, as the partial index usage_daily_views states them (SQLite and
# PostgreSQL only use a partial index whose condition the query repeats).
_SQL = """
SELECT item_id, SUM(count) FROM usage_dailyusage
WHERE item_id IN ({marks}) AND institution_id IS NULL
    AND metric_type = 'Total_Item_Investigations' AND access_method = 'Regular'
    AND day <= (SELECT MAX(day) FROM usage_processedday)
GROUP BY item_id
UNION ALL
SELECT item_id, SUM(views) FROM usage_liveviews
WHERE item_id IN ({marks})
    AND day > COALESCE((SELECT MAX(day) FROM usage_processedday), '0001-01-01')
GROUP BY item_id
"""


def _key(item_id: int) -> str:
    return f"usage:views:{item_id}"


def views_query(item_ids: list[int]) -> tuple[str, list]:
    marks = ", ".join(["%s"] * len(item_ids))
    return _SQL.format(marks=marks), [*item_ids, *item_ids]


def _counted(item_ids: list[int]) -> dict[int, int]:
    views = dict.fromkeys(item_ids, 0)
    for item_id, n in fetch_all(*views_query(item_ids)):
        views[int(item_id)] += int(n or 0)
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
        fresh = _counted(missing)
        cache.set_many({_key(i): n for i, n in fresh.items()}, CACHE_SECONDS)
        result.update(fresh)
    return result


def views_count(item_id: int) -> int:
    """An article's Views, at most a minute behind (with the usage worker running)."""
    return views_counts([item_id])[int(item_id)]
