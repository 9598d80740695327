"""COUNTER processing: raw events of closed days into DailyUsage rollups (usage.processing)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from masthead.usage import processing
from masthead.usage.counter import (
    LIMIT_EXCEEDED,
    NO_LICENSE,
    TOTAL_ITEM_INVESTIGATIONS,
    TOTAL_ITEM_REQUESTS,
    UNIQUE_ITEM_INVESTIGATIONS,
    UNIQUE_ITEM_REQUESTS,
)
from masthead.usage.models import DailyUsage, Event, ProcessedDay

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)
NOON = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)  # long after: every March day is closed
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def event(at=NOON, *, item=1, kind="abstract", user="u1", url=None, **fields) -> Event:
    values = {
        "occurred_at": at,
        "item_id": item,
        "title_id": 100,
        "yop": 2023,
        "kind": kind,
        "access_type": "Controlled",
        "session_id": user,
        "url": url or f"/doi/abs/10.5555/{item}",
        "user_agent": FIREFOX,
    }
    return Event(**(values | fields))


def add(*events: Event) -> None:
    Event.objects.bulk_create(events)


def metric(metric_type, *, day=DAY, item=1, institution=None, **match) -> int:
    rows = DailyUsage.objects.filter(
        day=day, item_id=item, institution_id=institution, metric_type=metric_type, **match
    )
    return sum(rows.values_list("count", flat=True))


def rollup(day=DAY) -> set[tuple]:
    return set(
        DailyUsage.objects.filter(day=day).values_list(
            "item_id",
            "institution_id",
            "yop",
            "access_type",
            "access_method",
            "metric_type",
            "count",
        )
    )


def seconds(n: float) -> dt.timedelta:
    return dt.timedelta(seconds=n)


def test_a_day_becomes_item_rows_with_the_articles_details():
    add(event(kind="full_text", access_type="Open"), event(item=2, kind="pdf", yop=2019))
    result = processing.process_day(DAY, now=LATER)
    assert (result.events, result.robots, result.final) == (2, 0, True)
    assert rollup() == {
        (1, None, 2023, "Open", "Regular", TOTAL_ITEM_INVESTIGATIONS, 1),
        (1, None, 2023, "Open", "Regular", UNIQUE_ITEM_INVESTIGATIONS, 1),
        (1, None, 2023, "Open", "Regular", TOTAL_ITEM_REQUESTS, 1),
        (1, None, 2023, "Open", "Regular", UNIQUE_ITEM_REQUESTS, 1),
        (2, None, 2019, "Controlled", "Regular", TOTAL_ITEM_INVESTIGATIONS, 1),
        (2, None, 2019, "Controlled", "Regular", UNIQUE_ITEM_INVESTIGATIONS, 1),
        (2, None, 2019, "Controlled", "Regular", TOTAL_ITEM_REQUESTS, 1),
        (2, None, 2019, "Controlled", "Regular", UNIQUE_ITEM_REQUESTS, 1),
    }
    assert set(DailyUsage.objects.values_list("title_id", flat=True)) == {100}
    done = ProcessedDay.objects.get(day=DAY)
    assert (done.events, done.robots_version) == (2, processing.robots_version())


def test_robots_are_not_counted():
    add(event(kind="pdf", user_agent=GOOGLEBOT, user="bot"), event(kind="pdf", user="reader"))
    result = processing.process_day(DAY, now=LATER)
    assert metric(TOTAL_ITEM_REQUESTS) == 1
    assert (result.events, result.robots) == (2, 1)


def test_a_robot_click_does_not_cancel_a_readers_click():
    add(event(user="same"), event(NOON + seconds(5), user="same", user_agent=GOOGLEBOT))
    processing.process_day(DAY, now=LATER)
    assert metric(TOTAL_ITEM_INVESTIGATIONS) == 1


@pytest.mark.parametrize(("gap", "expected"), [(29, 1), (30, 1), (31, 2)])
def test_double_click_window_is_thirty_seconds_inclusive(gap, expected):
    add(event(NOON), event(NOON + seconds(gap)))
    processing.process_day(DAY, now=LATER)
    assert metric(TOTAL_ITEM_INVESTIGATIONS) == expected
    assert metric(UNIQUE_ITEM_INVESTIGATIONS) == 1


def test_double_click_window_counts_microseconds():
    add(event(NOON), event(NOON + dt.timedelta(seconds=30, microseconds=1)))
    processing.process_day(DAY, now=LATER)
    assert metric(TOTAL_ITEM_INVESTIGATIONS) == 2


def test_double_click_across_midnight_counts_on_the_later_day_only():
    # 23:59:50 then 00:00:10: one action, retained at its later click (7.2), so the first
    # day loses it - only the lookahead into the next day can tell.
    before = dt.datetime(2026, 3, 10, 23, 59, 50, tzinfo=dt.UTC)
    add(event(before), event(before + seconds(20)))
    processing.process_day(DAY, now=LATER)
    processing.process_day(DAY + dt.timedelta(days=1), now=LATER)
    assert metric(TOTAL_ITEM_INVESTIGATIONS) == 0
    assert metric(TOTAL_ITEM_INVESTIGATIONS, day=DAY + dt.timedelta(days=1)) == 1
    # The lookahead is not the day's: its events are not in the day's count of events.
    assert ProcessedDay.objects.get(day=DAY).events == 1


def test_a_click_more_than_thirty_seconds_after_midnight_does_not_reach_back():
    before = dt.datetime(2026, 3, 10, 23, 59, 59, tzinfo=dt.UTC)
    add(event(before), event(before + seconds(31)))
    processing.process_day(DAY, now=LATER)
    assert metric(TOTAL_ITEM_INVESTIGATIONS) == 1


def test_every_institution_of_the_reader_counts_and_the_total_once():
    add(
        event(kind="pdf", user="a", institution_ids="3,17"),
        event(kind="pdf", user="b", institution_ids="17"),
        event(kind="pdf", user="c"),
    )
    processing.process_day(DAY, now=LATER)
    assert metric(TOTAL_ITEM_REQUESTS) == 3  # all usage: each event once
    assert metric(TOTAL_ITEM_REQUESTS, institution=3) == 1
    assert metric(TOTAL_ITEM_REQUESTS, institution=17) == 2
    assert metric(UNIQUE_ITEM_REQUESTS, institution=17) == 2
    assert set(DailyUsage.objects.values_list("institution_id", flat=True)) == {None, 3, 17}


def test_unique_item_once_per_session_and_requests_only_full_text_and_pdf():
    add(
        event(NOON, kind="abstract", url="/doi/abs/x", institution_ids="5"),
        event(NOON + seconds(60), kind="full_text", url="/doi/full/x", institution_ids="5"),
        event(NOON + seconds(120), kind="pdf", url="/doi/pdf/x", institution_ids="5"),
    )
    processing.process_day(DAY, now=LATER)
    for institution in (None, 5):
        assert metric(TOTAL_ITEM_INVESTIGATIONS, institution=institution) == 3
        assert metric(UNIQUE_ITEM_INVESTIGATIONS, institution=institution) == 1
        assert metric(TOTAL_ITEM_REQUESTS, institution=institution) == 2
        assert metric(UNIQUE_ITEM_REQUESTS, institution=institution) == 1


def test_surrogate_session_is_the_hour_and_a_logged_session_the_day():
    add(
        event(NOON, user="ip-ua"),
        event(NOON + dt.timedelta(hours=1), user="ip-ua"),
        event(NOON, user="cookie", tracked_session=True),
        event(NOON + dt.timedelta(hours=1), user="cookie", tracked_session=True),
    )
    processing.process_day(DAY, now=LATER)
    assert metric(TOTAL_ITEM_INVESTIGATIONS) == 4
    assert metric(UNIQUE_ITEM_INVESTIGATIONS) == 3  # 2 hours of ip-ua + 1 day of cookie


def test_a_reader_whose_institutions_change_in_a_session_is_one_unique_item():
    # Signs in halfway: the all-usage row must still see one session, not two.
    add(
        event(NOON, kind="abstract", url="/abs"),
        event(NOON + seconds(60), kind="pdf", url="/pdf", institution_ids="9"),
    )
    processing.process_day(DAY, now=LATER)
    assert metric(UNIQUE_ITEM_INVESTIGATIONS) == 1
    assert metric(UNIQUE_ITEM_INVESTIGATIONS, institution=9) == 1
    assert metric(TOTAL_ITEM_INVESTIGATIONS) == 2


def test_denials_are_no_license_and_limit_exceeded_only():
    add(
        event(kind="denied", denial_reason="no_license", url="/full/1"),
        event(NOON + seconds(1), kind="denied", denial_reason="no_license", url="/full/1"),
        event(item=2, kind="denied", denial_reason="limit_exceeded", institution_ids="4"),
    )
    processing.process_day(DAY, now=LATER)
    assert metric(NO_LICENSE) == 1  # a double-click
    assert metric(LIMIT_EXCEEDED, item=2) == 1
    assert metric(LIMIT_EXCEEDED, item=2, institution=4) == 1
    assert metric(TOTAL_ITEM_INVESTIGATIONS) + metric(TOTAL_ITEM_INVESTIGATIONS, item=2) == 0


def test_tdm_is_counted_apart():
    add(event(kind="pdf"), event(kind="pdf", user="miner", access_method="TDM", url="/api/1"))
    processing.process_day(DAY, now=LATER)
    assert metric(TOTAL_ITEM_REQUESTS, access_method="Regular") == 1
    assert metric(TOTAL_ITEM_REQUESTS, access_method="TDM") == 1


def test_events_no_metric_knows_are_left_out():
    add(event(kind="view"), event(access_type="OA_Gold", user="u2"), event(kind="pdf", user="u3"))
    processing.process_day(DAY, now=LATER)
    assert metric(TOTAL_ITEM_INVESTIGATIONS) == 1


def test_reprocessing_gives_the_same_rows():
    add(
        event(kind="pdf", institution_ids="1,2"),
        event(NOON + seconds(40), kind="pdf", user="u2"),
        event(NOON + seconds(41), kind="abstract", item=3, user="u2"),
    )
    processing.process_day(DAY, now=LATER)
    first = rollup()
    count = DailyUsage.objects.count()
    processing.reprocess(DAY, DAY, now=LATER)
    assert rollup() == first
    assert DailyUsage.objects.count() == count
    assert ProcessedDay.objects.count() == 1


def test_reprocessing_restates_a_changed_robot_judgement(monkeypatch):
    add(event(user="a", user_agent="SomeNewCrawler/1.0"), event(user="b"))
    processing.process_pending(now=LATER)
    assert metric(TOTAL_ITEM_INVESTIGATIONS) == 2
    # The robots list learns about the crawler: 7.11, the month is restated.
    monkeypatch.setattr(
        processing.counter_robots,
        "is_robot_or_machine",
        lambda agent: agent.startswith("SomeNewCrawler"),
    )
    monkeypatch.setattr(processing, "_robots", {})
    assert processing.process_pending(now=LATER) == []  # done days are not redone by themselves
    assert metric(TOTAL_ITEM_INVESTIGATIONS) == 2
    out = StringIO()
    call_command("process_usage", "--reprocess", "2026-03", stdout=out)
    assert metric(TOTAL_ITEM_INVESTIGATIONS) == 1
    assert "2026-03-10: 2 events (1 robots)" in out.getvalue()


def test_process_pending_does_closed_days_with_events_and_skips_the_open_day():
    days = [dt.date(2026, 3, d) for d in (1, 2, 5)]
    add(*(event(dt.datetime.combine(d, dt.time(9), dt.UTC), user=f"u{d}") for d in days))
    add(*(event(dt.datetime(2026, 3, 5, 10, i, tzinfo=dt.UTC), user=f"v{i}") for i in range(50)))
    now = dt.datetime(2026, 3, 5, 18, tzinfo=dt.UTC)  # March 5 is still open
    assert processing.process_pending(now=now) == days[:2]
    assert processing.process_pending(now=now) == []
    assert not ProcessedDay.objects.filter(day=days[2]).exists()
    # Closed only once its 30 s lookahead (and a settling margin) is over.
    midnight = dt.datetime(2026, 3, 6, tzinfo=dt.UTC)
    assert processing.process_pending(now=midnight + seconds(30)) == []
    assert processing.process_pending(now=midnight + seconds(120)) == [days[2]]
    assert metric(TOTAL_ITEM_INVESTIGATIONS, day=days[2]) == 51
    # Closed days without events are processed too (0 events), so a month can be complete.
    assert dict(ProcessedDay.objects.values_list("day", "events")) == {
        days[0]: 1,
        days[1]: 1,
        dt.date(2026, 3, 3): 0,
        dt.date(2026, 3, 4): 0,
        days[2]: 51,
    }
    assert not DailyUsage.objects.filter(day=dt.date(2026, 3, 3)).exists()


def test_a_quiet_end_of_month_is_processed_so_the_month_is_ready():
    add(event(dt.datetime(2026, 2, 20, 9, tzinfo=dt.UTC)))
    assert processing.process_pending(now=dt.datetime(2026, 3, 1, 0, 5, tzinfo=dt.UTC)) == [
        dt.date(2026, 2, 20)
    ]
    last = ProcessedDay.objects.order_by("day").last()
    assert (last.day, last.events) == (dt.date(2026, 2, 28), 0)
    assert ProcessedDay.objects.count() == 9  # February 20 to 28


def test_an_open_day_gets_provisional_rows_and_stays_pending():
    add(event(NOON))
    result = processing.process_day(DAY, now=NOON + dt.timedelta(hours=1))
    assert not result.final
    assert metric(TOTAL_ITEM_INVESTIGATIONS) == 1
    assert not ProcessedDay.objects.exists()
    assert processing.process_pending(now=LATER) == [DAY]


def test_the_command_processes_pending_days_and_says_how_fast(monkeypatch):
    add(event(dt.datetime(2026, 1, 2, 8, tzinfo=dt.UTC)))
    out = StringIO()
    call_command("process_usage", stdout=out)  # today is long after 2026-01-02
    assert "2026-01-02: 1 events (0 robots)" in out.getvalue()
    assert "events/s" in out.getvalue()
    assert ProcessedDay.objects.filter(day=dt.date(2026, 1, 2)).exists()
    call_command("process_usage", "--day", "2026-01-02", stdout=out)
    assert metric(TOTAL_ITEM_INVESTIGATIONS, day=dt.date(2026, 1, 2)) == 1


def test_many_events_over_several_days_match_the_pure_counter():
    # 3 days of 20 readers x 5 articles, several actions each; checked against counter.count.
    from masthead.usage import counter

    events = []
    for d in range(3):
        for reader in range(20):
            for n in range(15):
                at = dt.datetime(2026, 3, 10 + d, 8, tzinfo=dt.UTC) + seconds(reader * 7 + n * 25)
                events.append(
                    event(
                        at,
                        item=n % 5,
                        kind=("abstract", "full_text", "pdf")[n % 3],
                        user=f"r{reader}",
                        url=f"/a/{n % 5}/{n % 3}",
                        institution_ids=str(reader % 3) if reader % 2 else "",
                    )
                )
    add(*events)
    assert len(processing.process_pending(now=LATER)) == 3
    expected = counter.count(
        counter.UsageEvent(e.occurred_at, e.session_id, e.item_id, e.title_id, e.url, e.kind)
        for e in events
    )
    for n in range(5):
        total = sum(
            metric(TOTAL_ITEM_INVESTIGATIONS, day=DAY + dt.timedelta(days=d), item=n)
            for d in range(3)
        )
        assert total == counter.views_count(expected, n)
    assert sum(ProcessedDay.objects.values_list("events", flat=True)) == len(events)
