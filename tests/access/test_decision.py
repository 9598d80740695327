"""The one access decision, as plain data in and out."""

from datetime import UTC, date, datetime, timedelta

import pytest

from masthead.access.decision import (
    Action,
    GrantTerms,
    Item,
    LicenceTerms,
    Reader,
    Reason,
    decide,
)

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
ANONYMOUS = Reader(ip="192.0.2.1")
PAYWALLED = Item(
    is_published=True,
    is_open_access=False,
    journal_id=7,
    issue_id=70,
    article_id=700,
    year=2023,
    volume=31,
)
LICENCE = LicenceTerms(
    licence_id=1,
    institution_id=5,
    institution_name="Demo University",
    journal_id=7,
    starts_on=date(2024, 1, 1),
    ends_on=date(2024, 12, 31),
)
CAMPUS = Reader(institution_ids=(5,), licences=(LICENCE,))


@pytest.mark.parametrize(
    "item, action, reason",
    [
        (Item(is_published=False, is_open_access=True), Action.FULL_TEXT, Reason.NOT_PUBLISHED),
        (Item(is_published=True, is_open_access=True), Action.PDF, Reason.OPEN),
        (
            Item(is_published=True, is_open_access=False, is_free_to_read=True),
            Action.FULL_TEXT,
            Reason.FREE_TO_READ,
        ),
        (PAYWALLED, Action.ABSTRACT, Reason.FREE_TO_READ),
        (PAYWALLED, Action.FULL_TEXT, Reason.NO_LICENSE),
        (PAYWALLED, Action.PDF, Reason.NO_LICENSE),
    ],
)
def test_reasons_without_holdings(item, action, reason):
    decision = decide(ANONYMOUS, item, action, NOW)
    assert decision.reason == reason
    assert decision.allowed == (reason in {Reason.OPEN, Reason.FREE_TO_READ})


def test_a_campus_reader_reads_under_the_licence():
    decision = decide(CAMPUS, PAYWALLED, Action.PDF, NOW)
    assert decision.reason == Reason.LICENCE and decision.allowed
    assert (decision.institution_name, decision.licence_id) == ("Demo University", 1)


def test_unpublished_stays_closed_even_with_a_licence():
    hidden = Item(is_published=False, is_open_access=False, journal_id=7, year=2023)
    assert decide(CAMPUS, hidden, Action.PDF, NOW).reason == Reason.NOT_PUBLISHED


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"journal_id": 8}, Reason.NO_LICENSE),  # another journal
        ({"year": 2019}, Reason.LICENCE),  # no year range: all years
    ],
)
def test_licence_scope(change, reason):
    item = Item(**{**PAYWALLED.__dict__, **change})
    assert decide(CAMPUS, item, Action.FULL_TEXT, NOW).reason == reason


def test_licence_outside_its_dates_and_ranges():
    def with_terms(**terms):
        licence = LicenceTerms(**{**LICENCE.__dict__, **terms})
        reader = Reader(institution_ids=(5,), licences=(licence,))
        return decide(reader, PAYWALLED, Action.FULL_TEXT, NOW).reason

    assert with_terms(starts_on=date(2024, 3, 2)) == Reason.NO_LICENSE
    assert with_terms(ends_on=date(2024, 2, 29)) == Reason.NO_LICENSE
    assert with_terms(ends_on=date(2024, 3, 1)) == Reason.LICENCE  # the last day counts
    assert with_terms(first_year=2024) == Reason.NO_LICENSE
    assert with_terms(first_volume=30, last_volume=31) == Reason.LICENCE
    assert with_terms(last_volume=30) == Reason.NO_LICENSE
    # after the end, perpetual access keeps the years it names
    assert (
        with_terms(ends_on=date(2023, 12, 31), perpetual_first_year=2020, perpetual_last_year=2023)
        == Reason.LICENCE
    )
    assert with_terms(ends_on=date(2023, 12, 31), perpetual_first_year=2024) == Reason.NO_LICENSE


def test_a_licence_of_an_institution_the_reader_is_not_from_does_not_count():
    reader = Reader(institution_ids=(6,), licences=(LICENCE,))
    assert decide(reader, PAYWALLED, Action.FULL_TEXT, NOW).reason == Reason.NO_LICENSE


def test_grant_ends_exactly_at_its_end():
    start = NOW - timedelta(hours=48)
    grant = GrantTerms(grant_id=9, starts_at=start, ends_at=NOW, article_id=700)
    reader = Reader(user_id=1, grants=(grant,))
    one_second_before = NOW - timedelta(seconds=1)
    assert decide(reader, PAYWALLED, Action.PDF, one_second_before).reason == Reason.GRANT
    assert decide(reader, PAYWALLED, Action.PDF, NOW).reason == Reason.NO_LICENSE
    assert decide(reader, PAYWALLED, Action.PDF, NOW + timedelta(seconds=1)).reason == (
        Reason.NO_LICENSE
    )
    assert decide(reader, PAYWALLED, Action.PDF, start - timedelta(seconds=1)).reason == (
        Reason.NO_LICENSE
    )


@pytest.mark.parametrize(
    "target, covered",
    [
        ({"article_id": 700}, True),
        ({"article_id": 701}, False),
        ({"issue_id": 70}, True),
        ({"issue_id": 71}, False),
        ({"journal_id": 7}, True),
        ({"journal_id": 8}, False),
    ],
)
def test_grant_targets(target, covered):
    grant = GrantTerms(
        grant_id=9, starts_at=NOW - timedelta(days=1), ends_at=NOW + timedelta(days=1), **target
    )
    reason = decide(Reader(user_id=1, grants=(grant,)), PAYWALLED, Action.PDF, NOW).reason
    assert reason == (Reason.GRANT if covered else Reason.NO_LICENSE)


def test_concurrent_user_limit():
    limited = LicenceTerms(**{**LICENCE.__dict__, "concurrent_users": 1})
    reader = Reader(institution_ids=(5,), licences=(limited,))
    full = decide(reader, PAYWALLED, Action.FULL_TEXT, NOW, take_seat=lambda licence: False)
    assert full.reason == Reason.LIMIT_EXCEEDED and not full.allowed
    assert full.institution_name == "Demo University"
    free = decide(reader, PAYWALLED, Action.FULL_TEXT, NOW, take_seat=lambda licence: True)
    assert free.reason == Reason.LICENCE
    grant = GrantTerms(
        grant_id=9,
        starts_at=NOW - timedelta(days=1),
        ends_at=NOW + timedelta(days=1),
        article_id=700,
    )
    with_grant = Reader(institution_ids=(5,), licences=(limited,), grants=(grant,))
    assert decide(with_grant, PAYWALLED, Action.PDF, NOW, lambda licence: False).reason == (
        Reason.GRANT
    )
