"""People also read from reading sessions (related.coreadership): pure, no database."""

import datetime as dt
import math

import pytest

from masthead.related.coreadership import (
    ENOUGH,
    MAX_SESSION_ITEMS,
    REASON,
    HitRate,
    Read,
    co_readership,
    fill,
    has_enough,
    next_article_hit_rate,
    ordered_sessions,
    popular_hit_rate,
    split_by_time,
)
from masthead.related.suggestion import KEEP, Suggestion

NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC).timestamp()
DAY = 86_400.0


def visits(*sessions, at=NOW, prefix="s"):
    """Reads of one session per list of articles, all at `at`."""
    return [Read(f"{prefix}{n}", item, at) for n, items in enumerate(sessions) for item in items]


def ids(suggestions):
    return [s.other_id for s in suggestions]


def test_a_niche_article_read_again_and_again_ranks_above_the_blockbuster():
    # Article 1 is read with niche article 2 in 3 sessions and with blockbuster 99 in 4;
    # 99 is also read with 60 other articles.
    reads = visits(*[[1, 2]] * 3, *[[1, 99]] * 4, *[[99, 100 + n] for n in range(60)])
    suggestions = co_readership(reads, NOW)[1]
    assert ids(suggestions) == [2, 99]
    assert suggestions[0].score == pytest.approx(3 / math.sqrt(7 * 3))  # the cosine
    assert suggestions[1].score == pytest.approx(4 / math.sqrt(7 * 64))
    # Without damping the score is the share of 1's sessions: the blockbuster wins.
    assert ids(co_readership(reads, NOW, damping=0)[1]) == [99, 2]


def test_a_pair_read_together_by_fewer_sessions_than_min_support_is_not_suggested():
    reads = visits([1, 2], [1, 2], [1, 3])
    assert ids(co_readership(reads, NOW)[1]) == [2]
    assert 3 not in co_readership(reads, NOW)
    assert ids(co_readership(reads, NOW, min_support=1)[1]) == [2, 3]
    assert co_readership(reads, NOW, min_support=3) == {}


def test_an_old_co_read_ranks_below_a_recent_one_of_equal_count():
    year_ago = NOW - 360 * DAY  # two half-lives: weight 1/4
    reads = visits([1, 2], [1, 2], at=year_ago, prefix="old") + visits([1, 3], [1, 3])
    assert ids(co_readership(reads, NOW)[1]) == [3, 2]
    # Without decay the two tie, and the lower id comes first.
    no_decay = co_readership(reads, NOW, half_life_days=math.inf)[1]
    assert ids(no_decay) == [2, 3] and no_decay[0].score == pytest.approx(no_decay[1].score)


def test_datetimes_and_seconds_give_the_same_lists():
    when = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    as_datetimes = visits([1, 2], [1, 2], [2, 3], [2, 3], at=when)
    as_seconds = visits([1, 2], [1, 2], [2, 3], [2, 3], at=when.timestamp())
    now = dt.datetime.fromtimestamp(NOW, dt.UTC)
    assert co_readership(as_datetimes, now) == co_readership(as_seconds, NOW)


def test_an_article_never_suggests_itself_and_repeat_reads_count_once():
    # One session reading 1 and 2 five times each is one session: below min_support.
    assert co_readership(visits([1, 2, 1, 2, 1, 2, 1, 2, 1, 2]), NOW) == {}
    lists = co_readership(visits([1, 1, 2], [2, 1, 1]), NOW)
    assert ids(lists[1]) == [2] and ids(lists[2]) == [1]
    assert lists[1][0] == Suggestion(2, pytest.approx(1.0), REASON)
    assert REASON == "Readers of this article also read this"


def test_single_article_sessions_add_nothing_and_crawler_sized_sessions_are_skipped():
    alone = visits(*[[1]] * 10, *[[2]] * 10, [1, 2], [1, 2], prefix="a")
    assert co_readership(alone, NOW)[1][0].score == pytest.approx(1.0)
    longest = [1, 2, *range(1000, 1000 + MAX_SESSION_ITEMS - 2)]
    assert ids(co_readership(visits(longest, longest), NOW)[1])[:1] == [2]
    too_long = [*longest, 5000]
    assert co_readership(visits(too_long, too_long), NOW) == {}


def test_at_most_keep_suggestions_per_article_the_best_first():
    reads = visits(*[[1, other] for other in range(2, 8) for _ in range(other)])
    assert ids(co_readership(reads, NOW, keep=2)[1]) == [7, 6]
    assert len(co_readership(reads, NOW)[1]) == 6
    many = visits(*[[1, other] for other in range(2, KEEP + 10) for _ in range(2)])
    assert len(co_readership(many, NOW)[1]) == KEEP


def content(*others):
    return [Suggestion(other, 1.0 / (n + 1), "Similar words") for n, other in enumerate(others)]


def coread(*others):
    return [Suggestion(other, 1.0, REASON) for other in others]


def test_too_little_readership_is_filled_from_content_without_duplicates():
    assert not has_enough(coread(*range(2, 2 + ENOUGH - 1)))
    merged, filled = fill(coread(7, 8), content(8, 9, 10, 11), want=4)
    assert filled
    assert ids(merged) == [7, 8, 9, 10]
    assert [s.reason for s in merged] == [REASON, REASON, "Similar words", "Similar words"]


def test_enough_readership_is_shown_alone():
    assert has_enough(coread(2, 3, 4))
    assert fill(coread(2, 3, 4), content(5, 6), want=10) == (coread(2, 3, 4), False)
    assert fill(coread(2, 3, 4, 5), content(6), want=2) == (coread(2, 3), False)


def test_fill_says_no_when_content_adds_nothing_and_never_exceeds_keep():
    assert fill(coread(2), content(2), want=10) == (coread(2), False)
    assert fill([], [], want=10) == ([], False)
    merged, filled = fill([], content(*range(100, 200)), want=KEEP + 20)
    assert filled and len(merged) == KEEP


def test_split_keeps_each_session_whole_on_the_side_of_its_first_read():
    cut = NOW
    reads = [
        Read("early", 1, cut - 100),
        Read("across", 2, cut - 10),
        Read("across", 3, cut + 10),
        Read("late", 4, cut),
    ]
    train, test = split_by_time(reads, dt.datetime.fromtimestamp(cut, dt.UTC))
    assert [r.item for r in train] == [1, 2, 3]
    assert [r.item for r in test] == [4]


def test_ordered_sessions_follow_reading_order():
    reads = [Read("b", 5, 30.0), Read("a", 2, 20.0), Read("a", 1, 10.0), Read("b", 6, 40.0)]
    assert ordered_sessions(reads) == [[1, 2], [5, 6]]


def test_next_article_hit_rate_against_the_popularity_baseline_by_hand():
    # Training: 1+2 twice, 2+3 three times, 4 alone five times. With k=1:
    #   People also read: 1 -> [2]; 2 -> [3, 1] (3/sqrt(5*3) > 2/sqrt(5*2)); 3 -> [2]; 4 -> none.
    #   Most read (sessions): 2 and 4 (5 each, lower id first), then 3, then 1:
    #   top 1 is [2], and for article 2 itself [4].
    train_at, test_at = NOW - 10 * DAY, NOW
    reads = visits([1, 2], [1, 2], [2, 3], [2, 3], [2, 3], *[[4]] * 5, at=train_at, prefix="t")
    test_visits = [[1, 2, 3], [4, 2], [3, 1, 3, 5], [5, 1], [2], [2, 3]]
    for n, session in enumerate(test_visits):
        reads += [Read(f"x{n}", item, test_at + i) for i, item in enumerate(session)]
    train, test = split_by_time(reads, NOW - DAY)
    test_sessions = ordered_sessions(test)
    assert test_sessions == test_visits
    # Trials (first reads only; 5 was never read in training, so (5, 1) is none):
    #   1->2  co hit   popular hit
    #   2->3  co hit   popular miss ([4])
    #   4->2  co miss  popular hit
    #   3->1  co miss  popular miss
    #   1->5  co miss  popular miss
    #   2->3  co hit   popular miss
    assert next_article_hit_rate(train, test_sessions, k=1) == HitRate(3, 6, 0.5)
    assert popular_hit_rate(train, test_sessions, k=1) == HitRate(2, 6, 2 / 6)
    # k=2: the lists are no longer than before (4 has none, 3's is [2]); the most read
    # become [2, 4], for 2 itself [4, 3], for 4 itself [2, 3]: 2->3 (twice) and 4->2 hit.
    assert next_article_hit_rate(train, test_sessions, k=2) == HitRate(3, 6, 0.5)
    assert popular_hit_rate(train, test_sessions, k=2) == HitRate(4, 6, 4 / 6)


def test_no_trials_is_a_rate_of_zero():
    assert next_article_hit_rate([], [[1, 2]]) == HitRate(0, 0, 0.0)
    assert popular_hit_rate([], [[1, 2]]) == HitRate(0, 0, 0.0)
