"""Reading sessions from raw usage events (related.sessions): COUNTER's readers only."""

import datetime as dt

import pytest

from masthead.related.coreadership import Read, co_readership
from masthead.related.sessions import reading_sessions
from masthead.usage.models import Event
from tests.usage.test_processing import GOOGLEBOT, NOON, event  # one way to make an event

pytestmark = pytest.mark.django_db


def add(*events: Event) -> None:
    Event.objects.bulk_create(events)


def read(since=NOON - dt.timedelta(days=1), until=None) -> list[Read]:
    return list(reading_sessions(since, until, chunk_size=2))


def minutes(n: int) -> dt.timedelta:
    return dt.timedelta(minutes=n)


def test_every_investigation_of_a_person_is_a_read_in_time_order():
    add(
        event(NOON + minutes(2), item=2, kind="pdf"),
        event(NOON, item=1, kind="abstract"),
        event(NOON + minutes(1), item=1, kind="full_text"),
        event(NOON + minutes(3), item=3, kind="citation_export"),
    )
    reads = read()
    assert [r.item for r in reads] == [1, 1, 2, 3]
    assert reads[0].at == NOON.timestamp()
    assert len({r.session for r in reads}) == 1


def test_robots_denials_and_tdm_are_not_reads():
    add(
        event(item=1),
        event(item=2, user_agent=GOOGLEBOT),
        event(item=3, kind="denied", denial_reason="no_license"),
        event(item=4, kind="denied", denial_reason="limit_exceeded"),
        event(item=5, kind="full_text", access_method="TDM"),
        event(item=6, kind="somethingelse"),
    )
    assert [r.item for r in read()] == [1]


def test_an_anonymous_session_ends_with_the_hour_a_signed_in_one_with_the_day():
    add(
        event(NOON - minutes(1), item=1, user="anon"),
        event(NOON + minutes(1), item=2, user="anon"),
        event(NOON + minutes(59), item=3, user="anon"),
        event(NOON - minutes(1), item=1, user="me", tracked_session=True),
        event(NOON + minutes(1), item=2, user="me", tracked_session=True),
        event(NOON + dt.timedelta(hours=12), item=3, user="me", tracked_session=True),
    )
    sessions: dict[str, list[int]] = {}
    for r in read():
        sessions.setdefault(r.session, []).append(r.item)
    assert sorted(sessions.values()) == [[1], [1, 2], [2, 3], [3]]


def test_reads_are_bounded_by_since_and_until():
    add(*(event(NOON + dt.timedelta(hours=h), item=h) for h in range(5)))
    items = [r.item for r in read(NOON + dt.timedelta(hours=1), NOON + dt.timedelta(hours=3))]
    assert items == [1, 2]


def test_people_also_read_from_the_recorded_events():
    for reader in ("a", "b"):
        add(event(NOON, item=1, user=reader), event(NOON + minutes(5), item=2, user=reader))
    add(*(event(NOON + minutes(n), item=n, user="bot", user_agent=GOOGLEBOT) for n in range(9)))
    lists = co_readership(read(), NOON + dt.timedelta(days=1))
    assert [s.other_id for s in lists[1]] == [2]
    assert set(lists) == {1, 2}
