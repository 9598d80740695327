"""An article's Views: rollups of processed days plus what the usage worker folds in from
the raw events since, every event exactly once, robots and double-clicks out."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from masthead.usage import live, processing
from masthead.usage.models import DailyUsage, Event, LiveViews
from masthead.usage.views_count import views_count, views_counts

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def article(make_article):
    return make_article()


def event(item, at, *, user="u1", kind="abstract", url=None, **fields) -> Event:
    values = {
        "occurred_at": at,
        "item_id": item,
        "title_id": 1,
        "yop": 2023,
        "kind": kind,
        "access_type": "Controlled",
        "session_id": user,
        "url": url or f"/doi/abs/{item}/{kind}",
        "user_agent": FIREFOX,
    }
    return Event(**(values | fields))


def readers(item, at, n, **fields) -> list[Event]:
    """`n` distinct readers, a minute apart from `at` on."""
    return [event(item, at + dt.timedelta(minutes=i), user=f"r{i}", **fields) for i in range(n)]


@pytest.fixture
def days():
    """Three days ago (processed) and today (folded live)."""
    today = dt.datetime.combine(timezone.now().date(), dt.time(), dt.UTC)
    return today - dt.timedelta(days=3), today


def fold_until(at: dt.datetime) -> int:
    """The worker's pass at the moment events up to `at` can be folded."""
    cache.clear()  # and the pages' 15 seconds are over
    return live.fold(now=at + live.LAG)


def test_processed_days_and_todays_folded_events_add_up(article, days):
    earlier, today = days
    Event.objects.bulk_create(readers(article.pk, earlier + dt.timedelta(hours=8), 4))
    assert processing.process_pending() == [earlier.date()]
    Event.objects.bulk_create(readers(article.pk, today, 3))
    assert views_count(article.pk) == 4  # today's are not folded in yet
    assert fold_until(today + dt.timedelta(hours=1)) == 3
    assert views_count(article.pk) == 7


def test_robots_double_clicks_tdm_and_denials_are_not_views(article, days):
    _, today = days
    Event.objects.bulk_create(
        [
            event(article.pk, today),
            event(article.pk, today + dt.timedelta(seconds=10)),  # a double-click
            event(article.pk, today, user="bot", user_agent=GOOGLEBOT),
            event(article.pk, today, user="miner", access_method="TDM"),
            event(article.pk, today, user="u2", kind="denied", denial_reason="no_license"),
            event(article.pk, today, user="u3", kind="pdf"),
        ]
    )
    fold_until(today + dt.timedelta(hours=1))
    assert views_count(article.pk) == 2


def test_a_double_click_across_two_passes_counts_once(article, days):
    _, today = days
    first = today + dt.timedelta(hours=2)
    Event.objects.bulk_create([event(article.pk, first), event(article.pk, first + 30 * SECOND)])
    # This pass ends just after the first click: the second, in its lookahead, removes it.
    assert fold_until(first + SECOND) == 0
    assert fold_until(first + 31 * SECOND) == 1
    assert fold_until(first + dt.timedelta(hours=1)) == 0  # nothing is folded twice
    assert views_count(article.pk) == 1


def test_a_pass_that_another_worker_already_made_adds_nothing(article, days):
    _, today = days
    Event.objects.bulk_create(readers(article.pk, today, 2))
    assert fold_until(today + dt.timedelta(hours=1)) == 2
    assert fold_until(today + dt.timedelta(hours=1)) == 0
    assert not live._commit(today, today + dt.timedelta(hours=1), today, {article.pk: 2})
    assert views_count(article.pk) == 2


def test_only_all_usage_rows_count_once_per_event(article, days):
    earlier, today = days
    Event.objects.bulk_create(
        readers(article.pk, earlier + dt.timedelta(hours=8), 2, institution_ids="3,4")
        + readers(article.pk, today, 2, institution_ids="3")
    )
    processing.process_pending()
    fold_until(today + dt.timedelta(hours=1))
    assert DailyUsage.objects.filter(institution_id=4).exists()
    assert views_count(article.pk) == 4


def test_one_query_then_cached(article, days, django_assert_num_queries):
    _, today = days
    Event.objects.bulk_create(readers(article.pk, today, 2))
    fold_until(today + dt.timedelta(hours=1))
    with django_assert_num_queries(1):
        assert views_count(article.pk) == 2
    Event.objects.bulk_create(readers(article.pk, today + dt.timedelta(hours=2), 1))
    live.fold(now=today + dt.timedelta(hours=3) + live.LAG)
    with django_assert_num_queries(0):
        assert views_count(article.pk) == 2  # cached for 15 seconds
    cache.clear()
    assert views_count(article.pk) == 3


def test_processing_a_day_moves_its_views_from_live_to_rollups(article, days):
    earlier, _ = days
    Event.objects.bulk_create(readers(article.pk, earlier, 3))
    fold_until(earlier + dt.timedelta(hours=1))
    assert views_count(article.pk) == 3 and LiveViews.objects.exists()
    processing.process_pending()
    cache.clear()
    assert views_count(article.pk) == 3 and not LiveViews.objects.exists()
    # The open day rolled up provisionally is not counted twice either.
    today = earlier + dt.timedelta(days=3)
    Event.objects.bulk_create(readers(article.pk, today, 2))
    fold_until(today + dt.timedelta(hours=1))
    assert not processing.process_day(today.date(), now=today + dt.timedelta(hours=2)).final
    cache.clear()
    assert views_count(article.pk) == 5


def test_views_of_several_articles_in_one_query(make_article, days, django_assert_num_queries):
    earlier, today = days
    a, b, c = make_article(), make_article(), make_article()
    Event.objects.bulk_create(readers(a.pk, earlier + dt.timedelta(hours=8), 2))
    processing.process_pending()
    Event.objects.bulk_create(readers(a.pk, today, 1) + readers(b.pk, today, 5))
    fold_until(today + dt.timedelta(hours=1))
    with django_assert_num_queries(1):
        assert views_counts([a.pk, b.pk, c.pk]) == {a.pk: 3, b.pk: 5, c.pk: 0}
    with django_assert_num_queries(0):
        assert views_count(b.pk) == 5


def test_the_article_page_shows_the_views(client, article, days):
    _, today = days
    Event.objects.bulk_create(readers(article.pk, today, 1234))
    fold_until(today + dt.timedelta(days=1) - live.LAG)
    response = client.get(f"/doi/abs/{article.doi}", HTTP_USER_AGENT=FIREFOX)
    assert response.status_code == 200
    assert '<li class="metric metric-views"><strong>1,234</strong> Views' in response.text


def test_the_count_reads_the_views_index(article, days):
    """One rollup row a day per article, however many institutions and metrics it has."""
    from django.db import connection

    from masthead.sql import explain
    from masthead.usage.views_count import views_query

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    assert "usage_daily_views" in explain(*views_query([article.pk]))
