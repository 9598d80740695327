"""Monthly usage from the daily rollups, for charts and the back office's tables.

One aggregate query per call, grouped by month and metric; months without usage are
filled in with zeros here, because a chart needs its gaps. Usage is Regular only unless
asked for TDM: COUNTER keeps the two Access_Methods apart (3.3.10), and a Views-like
chart counts what readers did, not what a mining robot fetched. The two are never summed.

`institution_id=None` is all usage ("The World"): the NULL rows of DailyUsage, which
count every event once. An institution's rows are its readers' share of the same events,
so the two must never be added together.
"""

from __future__ import annotations

import re
from datetime import date

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth

from masthead.sql import as_date
from masthead.usage import counter
from masthead.usage.models import DailyUsage
from masthead.usage.months import last_of_month, month_key, months

REGULAR = "Regular"
TDM = "TDM"
CHART_METRICS = (counter.TOTAL_ITEM_INVESTIGATIONS, counter.TOTAL_ITEM_REQUESTS)
TABLE_METRICS = (
    counter.TOTAL_ITEM_INVESTIGATIONS,
    counter.UNIQUE_ITEM_INVESTIGATIONS,
    counter.TOTAL_ITEM_REQUESTS,
    counter.UNIQUE_ITEM_REQUESTS,
)
MAX_MONTHS = 120  # ten years in one view is plenty; more is a typo

_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(text: str) -> date:
    """'2026-03' → date(2026, 3, 1); ValueError with a readable message otherwise."""
    match = _MONTH.fullmatch(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a month: write it as YYYY-MM, e.g. 2026-03")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r} is not a month: the month must be 01 to 12")
    if year < 1900:
        raise ValueError(f"{text!r} is too early: no usage before 1900")
    return date(year, month, 1)


def check_period(first_month: date, last_month: date) -> None:
    """ValueError when the period runs backwards or is longer than MAX_MONTHS."""
    if first_month > last_month:
        raise ValueError("the first month is after the last month")
    span = (last_month.year - first_month.year) * 12 + last_month.month - first_month.month + 1
    if span > MAX_MONTHS:
        raise ValueError(f"at most {MAX_MONTHS} months at a time, not {span}")


def _rows(
    *,
    journal_id: int | None,
    item_id: int | None,
    institution_id: int | None,
    first_month: date,
    last_month: date,
    metric_types: tuple[str, ...],
    access_method: str,
):
    if access_method not in (REGULAR, TDM):
        raise ValueError(f"access_method must be Regular or TDM, not {access_method!r}")
    check_period(first_month, last_month)
    where = Q(
        day__gte=date(first_month.year, first_month.month, 1),
        day__lte=last_of_month(last_month),
        access_method=access_method,
        metric_type__in=metric_types,
    )
    where &= (
        Q(institution_id__isnull=True)
        if institution_id is None
        else Q(institution_id=institution_id)
    )
    if journal_id is not None:
        where &= Q(title_id=journal_id)
    if item_id is not None:
        where &= Q(item_id=item_id)
    return DailyUsage.objects.filter(where)


def monthly_series(
    *,
    journal_id: int | None = None,
    item_id: int | None = None,
    institution_id: int | None = None,
    first_month: date,
    last_month: date,
    metric_types: tuple[str, ...] = CHART_METRICS,
    access_method: str = REGULAR,
) -> list[tuple[str, dict[str, int]]]:
    """[("2026-01", {"Total_Item_Investigations": 5, "Total_Item_Requests": 2}), ...]

    Every month of the period is there, and every metric in each month (0 when none).
    Narrow to a journal, an item, or neither (the whole platform)."""
    rows = (
        _rows(
            journal_id=journal_id,
            item_id=item_id,
            institution_id=institution_id,
            first_month=first_month,
            last_month=last_month,
            metric_types=tuple(metric_types),
            access_method=access_method,
        )
        .annotate(month=TruncMonth("day"))
        .values_list("month", "metric_type")
        .annotate(total=Sum("count"))
        .order_by()
    )
    series = {m: dict.fromkeys(metric_types, 0) for m in months(first_month, last_month)}
    for month, metric, total in rows:
        series[month_key(as_date(month))][metric] += total or 0
    return list(series.items())


def series_values(series: list[tuple[str, dict[str, int]]], metric: str) -> tuple[int, ...]:
    """One metric's values in month order, as charts.Series wants them."""
    return tuple(values[metric] for _, values in series)


def totals_by(
    field: str,
    *,
    journal_id: int | None = None,
    institution_id: int | None = None,
    first_month: date,
    last_month: date,
    metric_types: tuple[str, ...] = TABLE_METRICS,
    order_metric: str = counter.TOTAL_ITEM_REQUESTS,
    limit: int | None = None,
    access_method: str = REGULAR,
) -> list[tuple[int, dict[str, int]]]:
    """Period totals per journal (field "title_id") or article ("item_id"), most used first.

    Ordered by order_metric, then Total_Item_Investigations, then id; one query, the
    ordering done here (a few thousand rows at most, one per id and metric)."""
    if field not in ("title_id", "item_id"):
        raise ValueError(f"totals by title_id or item_id, not {field!r}")
    rows = (
        _rows(
            journal_id=journal_id,
            item_id=None,
            institution_id=institution_id,
            first_month=first_month,
            last_month=last_month,
            metric_types=tuple(metric_types),
            access_method=access_method,
        )
        .values_list(field, "metric_type")
        .annotate(total=Sum("count"))
        .order_by()
    )
    totals: dict[int, dict[str, int]] = {}
    for key, metric, total in rows:
        totals.setdefault(key, dict.fromkeys(metric_types, 0))[metric] += total or 0
    ranked = sorted(
        totals.items(),
        key=lambda kv: (
            -kv[1].get(order_metric, 0),
            -kv[1].get(counter.TOTAL_ITEM_INVESTIGATIONS, 0),
            kv[0],
        ),
    )
    return ranked[:limit] if limit is not None else ranked
