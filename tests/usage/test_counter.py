"""COUNTER R5.1 counting core (masthead.usage.counter); pure Python, no database."""

import datetime as dt
import random

import pytest

from masthead.usage.counter import (
    LIMIT_EXCEEDED,
    NO_LICENSE,
    TOTAL_ITEM_INVESTIGATIONS,
    TOTAL_ITEM_REQUESTS,
    UNIQUE_ITEM_INVESTIGATIONS,
    UNIQUE_ITEM_REQUESTS,
    UNIQUE_TITLE_INVESTIGATIONS,
    UNIQUE_TITLE_REQUESTS,
    CountKey,
    UsageEvent,
    count,
    views_count,
)

T0 = dt.datetime(2024, 6, 15, 10, 1, 0, tzinfo=dt.UTC)


def ev(seconds=0, *, kind="abstract", item="10.1/a1", url=None, session="u1", **kw):
    kw.setdefault("title_id", "J1")
    return UsageEvent(
        timestamp=T0 + dt.timedelta(seconds=seconds),
        session_id=session,
        item_id=item,
        url=url or f"/{item}/{kind}",
        kind=kind,
        **kw,
    )


def metric(counts, metric_type, item="10.1/a1", **match):
    """Sum of one metric for one item (item=None: title-level rows) over the other columns."""
    return sum(
        n
        for k, n in counts.items()
        if k.metric_type == metric_type
        and k.item_id == item
        and all(getattr(k, f) == v for f, v in match.items())
    )


# --- double-click filtering ------------------------------------------------------------
# 7.2 Double-Click Filtering: "the time window for a double-click on any page is set at a
# maximum of 30 seconds between the first and second mouse clicks. For example, a click at
# 10:01:00 and a second click at 10:01:29 would be considered a double-click (one action); a
# click at 10:01:00 and a second click at 10:01:35 would count as two separate single clicks".
# "A maximum of 30 seconds" includes 30: exactly 30 s apart is still one action.
@pytest.mark.parametrize(("gap", "expected"), [(0, 1), (29, 1), (30, 1), (31, 2), (35, 2)])
def test_double_click_window_boundary(gap, expected):
    counts = count([ev(0), ev(gap)])
    assert metric(counts, TOTAL_ITEM_INVESTIGATIONS) == expected


def test_double_click_needs_same_url():
    counts = count([ev(0, url="/a1/abstract"), ev(5, url="/a1/abstract?tab=refs")])
    assert metric(counts, TOTAL_ITEM_INVESTIGATIONS) == 2


def test_double_click_needs_same_session():
    counts = count([ev(0, session="u1"), ev(5, session="u2")])
    assert metric(counts, TOTAL_ITEM_INVESTIGATIONS) == 2


def test_double_click_chain_collapses_to_last():
    # "Any additional requests for the same URL within 30 seconds (between clicks) MUST be
    # treated identically": gaps of 20 s each, 60 s end to end, are still one action.
    counts = count([ev(s, kind="pdf") for s in (0, 20, 40, 60)])
    assert metric(counts, TOTAL_ITEM_REQUESTS) == 1


def test_double_click_keeps_the_later_click():
    # "the first request MUST be removed and the second retained": across a month boundary
    # the retained (later) click decides the month.
    end_of_may = dt.datetime(2024, 5, 31, 23, 59, 50, tzinfo=dt.UTC)
    counts = count(
        [
            UsageEvent(end_of_may, "u1", "10.1/a1", "J1", "/a", "abstract"),
            UsageEvent(
                end_of_may + dt.timedelta(seconds=20), "u1", "10.1/a1", "J1", "/a", "abstract"
            ),
        ]
    )
    assert {k.month for k in counts} == {"2024-06"}
    assert metric(counts, TOTAL_ITEM_INVESTIGATIONS) == 1


def test_double_click_applies_to_denials():
    counts = count([ev(0, kind="denied", denial_reason="no_license") for _ in range(2)])
    assert metric(counts, NO_LICENSE) == 1


# --- unique items and titles -----------------------------------------------------------
def test_unique_item_once_per_session_total_counts_every_action():
    # HTML full text, then the PDF, then the abstract again a minute later: one session.
    events = [ev(0, kind="full_text"), ev(60, kind="pdf"), ev(120, kind="abstract")]
    counts = count(events)
    assert metric(counts, TOTAL_ITEM_INVESTIGATIONS) == 3
    assert metric(counts, UNIQUE_ITEM_INVESTIGATIONS) == 1
    assert metric(counts, TOTAL_ITEM_REQUESTS) == 2
    assert metric(counts, UNIQUE_ITEM_REQUESTS) == 1


def test_surrogate_session_is_split_by_hour():
    # 7.3: without a logged session ID the session is user + transaction date + hour of day.
    counts = count([ev(0), ev(3600)])  # 10:01 and 11:01
    assert metric(counts, UNIQUE_ITEM_INVESTIGATIONS) == 2


def test_logged_session_is_split_by_date_only():
    # 7.3: "by a logged session ID + transaction date".
    same_day = count([ev(0, tracked_session=True), ev(3600, tracked_session=True)])
    assert metric(same_day, UNIQUE_ITEM_INVESTIGATIONS) == 1
    next_day = count([ev(0, tracked_session=True), ev(86400, tracked_session=True)])
    assert metric(next_day, UNIQUE_ITEM_INVESTIGATIONS) == 2


def test_unique_title_once_per_session_for_books():
    book = {"title_id": "978-1", "title_data_type": "Book"}
    events = [ev(0, kind="pdf", item="ch1", **book), ev(60, kind="pdf", item="ch2", **book)]
    counts = count(events)
    assert metric(counts, UNIQUE_ITEM_REQUESTS, item="ch1") == 1
    assert metric(counts, UNIQUE_ITEM_REQUESTS, item="ch2") == 1
    assert metric(counts, UNIQUE_TITLE_REQUESTS, item=None, title_id="978-1") == 1
    assert metric(counts, UNIQUE_TITLE_INVESTIGATIONS, item=None, title_id="978-1") == 1
    # Another session is another unique title.
    again = count([*events, ev(0, kind="abstract", item="ch1", session="u2", **book)])
    assert metric(again, UNIQUE_TITLE_INVESTIGATIONS, item=None) == 2
    assert metric(again, UNIQUE_TITLE_REQUESTS, item=None) == 1


def test_no_unique_title_metrics_for_journals():
    # 3.3.8: "The Unique_Title metrics MUST NOT be used for Data_Types other than Book and
    # Reference_Work": two articles of one journal in one session give Unique_Item only.
    counts = count([ev(0, kind="pdf", item="a1"), ev(60, kind="pdf", item="a2")])
    assert {k.metric_type for k in counts} == {
        TOTAL_ITEM_INVESTIGATIONS,
        UNIQUE_ITEM_INVESTIGATIONS,
        TOTAL_ITEM_REQUESTS,
        UNIQUE_ITEM_REQUESTS,
    }
    assert all(k.item_id is not None for k in counts)


# --- kinds, denials, robots, TDM -------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "is_request"),
    [
        ("abstract", False),
        ("full_text", True),
        ("pdf", True),
        ("supplement", False),
        ("figure", False),
        ("citation_export", False),
    ],
)
def test_every_kind_investigates_only_full_text_and_pdf_request(kind, is_request):
    counts = count([ev(0, kind=kind)])
    assert metric(counts, TOTAL_ITEM_INVESTIGATIONS) == 1
    assert metric(counts, UNIQUE_ITEM_INVESTIGATIONS) == 1
    assert metric(counts, TOTAL_ITEM_REQUESTS) == int(is_request)
    assert metric(counts, UNIQUE_ITEM_REQUESTS) == int(is_request)


def test_denials_count_only_as_denials():
    counts = count(
        [
            ev(0, kind="denied", denial_reason="no_license", item="a1"),
            ev(0, kind="denied", denial_reason="limit_exceeded", item="a2"),
        ]
    )
    assert counts == {
        CountKey("a1", "J1", None, "Controlled", "Regular", "2024-06", NO_LICENSE): 1,
        CountKey("a2", "J1", None, "Controlled", "Regular", "2024-06", LIMIT_EXCEEDED): 1,
    }


def test_denial_and_abstract_shown_instead_both_count():
    # 3.3.8, No_License: "if the user is automatically redirected to an abstract, that action
    # will be counted as a No_License and also as an Item_Investigation" - even when the
    # abstract is served at the same URL, so a denial never double-click-cancels a view.
    counts = count([ev(0, kind="denied", denial_reason="no_license", url="/a1"), ev(0, url="/a1")])
    assert metric(counts, NO_LICENSE) == 1
    assert metric(counts, TOTAL_ITEM_INVESTIGATIONS) == 1


def test_robots_are_dropped_before_anything():
    counts = count([ev(0, kind="pdf", is_robot=True), ev(10, kind="pdf", is_robot=True)])
    assert counts == {}
    # A robot's click does not double-click-cancel a human's earlier one either.
    counts = count([ev(0, kind="pdf"), ev(10, kind="pdf", is_robot=True)])
    assert metric(counts, TOTAL_ITEM_REQUESTS) == 1


def test_tdm_is_reported_separately():
    counts = count([ev(0, kind="pdf"), ev(60, kind="pdf", access_method="TDM", url="/api/a1")])
    assert metric(counts, TOTAL_ITEM_REQUESTS, access_method="Regular") == 1
    assert metric(counts, TOTAL_ITEM_REQUESTS, access_method="TDM") == 1
    assert metric(counts, UNIQUE_ITEM_REQUESTS, access_method="TDM") == 1
    assert views_count(counts, "10.1/a1") == 1
    assert views_count(counts, "10.1/a1", include_tdm=True) == 2


def test_month_boundary_splits_counts_and_sessions():
    last = dt.datetime(2024, 1, 31, 23, 59, 0, tzinfo=dt.UTC)
    events = [
        UsageEvent(last, "u1", "a1", "J1", "/a1", "pdf"),
        UsageEvent(last + dt.timedelta(minutes=2), "u1", "a1", "J1", "/a1", "pdf"),
    ]
    counts = count(events)
    for month in ("2024-01", "2024-02"):
        assert metric(counts, TOTAL_ITEM_REQUESTS, item="a1", month=month) == 1
        assert metric(counts, UNIQUE_ITEM_REQUESTS, item="a1", month=month) == 1


def test_month_is_taken_in_utc():
    paris = dt.timezone(dt.timedelta(hours=2))
    event = UsageEvent(dt.datetime(2024, 7, 1, 1, 0, tzinfo=paris), "u1", "a1", "J1", "/a", "pdf")
    assert event.timestamp == dt.datetime(2024, 6, 30, 23, 0, tzinfo=dt.UTC)
    assert {k.month for k in count([event])} == {"2024-06"}


def test_access_types_are_the_r51_values():
    counts = count([ev(0, access_type="Free_To_Read"), ev(0, access_type="Open", item="a2")])
    assert {k.access_type for k in counts} == {"Free_To_Read", "Open"}
    with pytest.raises(ValueError, match="Access_Type"):
        ev(0, access_type="OA_Gold")  # an R5 value, gone in R5.1


@pytest.mark.parametrize(
    "bad",
    [
        {"timestamp": dt.datetime(2024, 6, 15, 10, 0)},  # naive
        {"kind": "view"},
        {"kind": "denied"},  # no reason
        {"kind": "pdf", "denial_reason": "no_license"},
        {"access_method": "Robot"},
    ],
)
def test_invalid_events_are_refused(bad):
    fields = {
        "timestamp": T0,
        "session_id": "u1",
        "item_id": "a1",
        "title_id": "J1",
        "url": "/a1",
        "kind": "abstract",
    }
    with pytest.raises(ValueError):
        UsageEvent(**(fields | bad))


def test_views_count_sums_institutions_access_types_and_months():
    counts = {
        CountKey("a1", "J1", 1, "Controlled", "Regular", "2024-05", TOTAL_ITEM_INVESTIGATIONS): 3,
        CountKey(
            "a1", "J1", None, "Controlled", "Regular", "2024-06", TOTAL_ITEM_INVESTIGATIONS
        ): 4,
        CountKey("a1", "J1", None, "Controlled", "Regular", "2024-06", TOTAL_ITEM_REQUESTS): 9,
        CountKey(
            "a2", "J1", None, "Controlled", "Regular", "2024-06", TOTAL_ITEM_INVESTIGATIONS
        ): 5,
    }
    assert views_count(counts, "a1") == 7
    assert views_count(counts, "a1", months={"2024-06"}) == 4
    assert views_count(counts, "missing") == 0


# --- worked example --------------------------------------------------------------------
def test_worked_example_by_hand():
    # Journal J1, institution 7, Controlled, Regular, 2024-06-15 (UTC), surrogate sessions.
    #   u1 10:00:00 abstract a1 /a1          removed: repeated at 10:00:10 (10 s <= 30 s)
    #   u1 10:00:10 abstract a1 /a1          TII a1
    #   u1 10:01:00 full_text a1 /a1/full    TII a1, TIR a1
    #   u1 10:02:00 pdf a1 /a1.pdf           TII a1, TIR a1
    #   u1 10:03:00 figure a1 /a1/f1         TII a1 (a figure is not the item itself)
    #   u1 10:05:00 pdf a2 /a2.pdf           TII a2, TIR a2
    #   u1 10:06:00 denied a3 no_license     No_License a3 only
    #   u2 10:00:00 pdf a1 /a1.pdf           TII a1, TIR a1 (other session: not a double-click)
    #   bot 10:00:00 pdf a1                  dropped (robot)
    # a1: TII 1+1+1+1+1 = 5, UII = 2 sessions (u1, u2), TIR 1+1+1 = 3, UIR = 2.
    # a2: TII 1, UII 1, TIR 1, UIR 1.  a3: No_License 1.  No Unique_Title_* (a journal).
    base = dt.datetime(2024, 6, 15, 10, 0, 0, tzinfo=dt.UTC)

    def e(session, minutes, seconds, kind, item, url, **kw):
        at = base + dt.timedelta(minutes=minutes, seconds=seconds)
        return UsageEvent(at, session, item, "J1", url, kind, institution_id=7, **kw)

    events = [
        e("u1", 0, 0, "abstract", "a1", "/a1"),
        e("u1", 0, 10, "abstract", "a1", "/a1"),
        e("u1", 1, 0, "full_text", "a1", "/a1/full"),
        e("u1", 2, 0, "pdf", "a1", "/a1.pdf"),
        e("u1", 3, 0, "figure", "a1", "/a1/f1"),
        e("u1", 5, 0, "pdf", "a2", "/a2.pdf"),
        e("u1", 6, 0, "denied", "a3", "/a3.pdf", denial_reason="no_license"),
        e("u2", 0, 0, "pdf", "a1", "/a1.pdf"),
        e("bot", 0, 0, "pdf", "a1", "/a1.pdf", is_robot=True),
    ]
    random.Random(5).shuffle(events)  # any input order

    def key(item, metric_type):
        return CountKey(item, "J1", 7, "Controlled", "Regular", "2024-06", metric_type)

    assert count(events) == {
        key("a1", TOTAL_ITEM_INVESTIGATIONS): 5,
        key("a1", UNIQUE_ITEM_INVESTIGATIONS): 2,
        key("a1", TOTAL_ITEM_REQUESTS): 3,
        key("a1", UNIQUE_ITEM_REQUESTS): 2,
        key("a2", TOTAL_ITEM_INVESTIGATIONS): 1,
        key("a2", UNIQUE_ITEM_INVESTIGATIONS): 1,
        key("a2", TOTAL_ITEM_REQUESTS): 1,
        key("a2", UNIQUE_ITEM_REQUESTS): 1,
        key("a3", NO_LICENSE): 1,
    }
    assert views_count(count(events), "a1") == 5
