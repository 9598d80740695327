"""Monthly series and period totals from DailyUsage rows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.usage.models import DailyUsage
from masthead.usage.monthly import monthly_series, parse_month, series_values, totals_by
from masthead.usage.months import last_of_month, months
from tests.usage.rollups import daily_usage

TII, TIR, UIR = "Total_Item_Investigations", "Total_Item_Requests", "Unique_Item_Requests"


def usage(day, item, metric, count, *, title=1, institution=None, method="Regular"):
    return daily_usage(
        day, item, metric, count, title_id=title, institution_id=institution, access_method=method
    )


@pytest.fixture
def rows(db):
    DailyUsage.objects.bulk_create(
        [
            usage(date(2026, 1, 1), 10, TII, 3),
            usage(date(2026, 1, 31), 10, TII, 4),
            usage(date(2026, 1, 15), 10, TIR, 2),
            usage(date(2026, 1, 15), 11, TIR, 5),
            usage(date(2026, 3, 2), 11, TII, 6),
            usage(date(2026, 3, 2), 12, TII, 100, title=2),  # another journal
            usage(date(2026, 3, 2), 10, TII, 50, method="TDM"),  # text and data mining
            usage(date(2026, 3, 2), 10, TII, 1, institution=7),  # one institution's share
            usage(date(2026, 3, 2), 10, UIR, 9),  # a metric not asked for
            usage(date(2025, 12, 31), 10, TII, 1000),  # before the period
            usage(date(2026, 4, 1), 10, TII, 1000),  # after it
        ]
    )


def test_every_month_present_with_zeros(rows):
    series = monthly_series(journal_id=1, first_month=date(2026, 1, 1), last_month=date(2026, 3, 1))
    assert series == [
        ("2026-01", {TII: 7, TIR: 7}),
        ("2026-02", {TII: 0, TIR: 0}),
        ("2026-03", {TII: 6, TIR: 0}),
    ]
    assert series_values(series, TII) == (7, 0, 6)


def test_one_query(rows):
    with CaptureQueriesContext(connection) as ctx:
        monthly_series(first_month=date(2026, 1, 1), last_month=date(2026, 12, 1))
    assert len(ctx.captured_queries) == 1


def test_item_platform_institution_and_tdm(rows):
    first, last = date(2026, 1, 1), date(2026, 3, 1)
    item = monthly_series(item_id=10, first_month=first, last_month=last)
    assert [v[TII] for _, v in item] == [7, 0, 0]
    platform = monthly_series(first_month=first, last_month=last)
    assert [v[TII] for _, v in platform] == [7, 0, 106]
    institution = monthly_series(institution_id=7, first_month=first, last_month=last)
    assert [v[TII] for _, v in institution] == [0, 0, 1]
    tdm = monthly_series(journal_id=1, first_month=first, last_month=last, access_method="TDM")
    assert [v[TII] for _, v in tdm] == [0, 0, 50]
    with pytest.raises(ValueError):
        monthly_series(first_month=first, last_month=last, access_method="Both")


def test_metric_types_chosen(rows):
    series = monthly_series(
        item_id=10, first_month=date(2026, 3, 1), last_month=date(2026, 3, 1), metric_types=(UIR,)
    )
    assert series == [("2026-03", {UIR: 9})]


def test_period_across_a_year(db):
    series = monthly_series(first_month=date(2025, 11, 1), last_month=date(2026, 2, 1))
    assert [m for m, _ in series] == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_totals_by_item_most_used_first(rows):
    first, last = date(2026, 1, 1), date(2026, 3, 1)
    top = totals_by("item_id", journal_id=1, first_month=first, last_month=last)
    assert [pk for pk, _ in top] == [11, 10]  # 5 requests before 2
    assert top[0][1][TIR] == 5 and top[0][1][TII] == 6
    assert top[1][1][TII] == 7 and top[1][1][UIR] == 9
    assert totals_by("item_id", journal_id=1, first_month=first, last_month=last, limit=1) == [
        top[0]
    ]
    journals = dict(totals_by("title_id", first_month=first, last_month=last))
    assert journals[1][TII] == 13 and journals[2][TII] == 100
    with pytest.raises(ValueError):
        totals_by("yop", first_month=first, last_month=last)


def test_months_helpers():
    assert parse_month("2026-03") == date(2026, 3, 1)
    assert parse_month(" 2026-12 ") == date(2026, 12, 1)
    for bad in ("2026-13", "2026-00", "2026-3", "26-03", "march", "", "2026-03-01", "0001-01"):
        with pytest.raises(ValueError):
            parse_month(bad)
    assert last_of_month(date(2024, 2, 1)) == date(2024, 2, 29)
    assert last_of_month(date(2026, 12, 1)) == date(2026, 12, 31)
    assert months(date(2026, 2, 1), date(2026, 1, 1)) == []


def test_bad_periods(db):
    with pytest.raises(ValueError, match="after"):
        monthly_series(first_month=date(2026, 3, 1), last_month=date(2026, 1, 1))
    with pytest.raises(ValueError, match="at most"):
        monthly_series(first_month=date(2000, 1, 1), last_month=date(2026, 1, 1))
