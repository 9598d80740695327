"""An article's Views: processed rollups plus a live count of the days not yet processed."""

import datetime as dt

import pytest
from django.utils import timezone

from masthead.usage import processing
from masthead.usage.models import DailyUsage, Event
from masthead.usage.views_count import views_count, views_counts

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


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
    """Three days ago (processed) and today (live)."""
    now = timezone.now()
    today = dt.datetime.combine(now.date(), dt.time(), dt.UTC)
    return today - dt.timedelta(days=3), today


def test_processed_days_and_todays_live_events_add_up(article, days):
    earlier, today = days
    Event.objects.bulk_create(readers(article.pk, earlier + dt.timedelta(hours=8), 4))
    assert processing.process_pending() == [earlier.date()]
    Event.objects.bulk_create(readers(article.pk, today, 3))
    assert views_count(article.pk) == 7


def test_todays_robots_and_double_clicks_are_left_out_live(article, days):
    _, today = days
    Event.objects.bulk_create(
        [
            event(article.pk, today),
            event(article.pk, today + dt.timedelta(seconds=10)),  # a double-click
            event(article.pk, today, user="bot", user_agent=GOOGLEBOT),
            event(article.pk, today, user="miner", access_method="TDM"),  # not a view
            event(article.pk, today, user="u2", kind="denied", denial_reason="no_license"),
            event(article.pk, today, user="u3", kind="pdf"),
        ]
    )
    assert views_count(article.pk) == 2


def test_only_all_usage_rows_count_once_per_event(article, days):
    earlier, today = days
    Event.objects.bulk_create(
        readers(article.pk, earlier + dt.timedelta(hours=8), 2, institution_ids="3,4")
        + readers(article.pk, today, 2, institution_ids="3")
    )
    processing.process_pending()
    assert DailyUsage.objects.filter(institution_id=4).exists()
    assert views_count(article.pk) == 4


def test_the_count_is_cached_for_a_minute(article, days, django_assert_num_queries):
    _, today = days
    Event.objects.bulk_create(readers(article.pk, today, 2))
    with django_assert_num_queries(2):
        assert views_count(article.pk) == 2
    Event.objects.bulk_create(readers(article.pk, today + dt.timedelta(hours=1), 1))
    with django_assert_num_queries(0):
        assert views_count(article.pk) == 2  # cached
    from django.core.cache import cache

    cache.delete(f"usage:views:{article.pk}")  # as if the minute were over
    assert views_count(article.pk) == 3


def test_processing_the_open_day_does_not_count_it_twice(article, days):
    _, today = days
    Event.objects.bulk_create(readers(article.pk, today, 3))
    result = processing.process_day(today.date())
    assert not result.final
    assert views_count(article.pk) == 3


def test_views_of_several_articles_in_two_queries(make_article, days, django_assert_num_queries):
    earlier, today = days
    a, b, c = make_article(), make_article(), make_article()
    Event.objects.bulk_create(readers(a.pk, earlier + dt.timedelta(hours=8), 2))
    processing.process_pending()
    Event.objects.bulk_create(readers(a.pk, today, 1) + readers(b.pk, today, 5))
    with django_assert_num_queries(2):
        assert views_counts([a.pk, b.pk, c.pk]) == {a.pk: 3, b.pk: 5, c.pk: 0}
    with django_assert_num_queries(0):
        assert views_count(b.pk) == 5


def test_the_article_page_shows_the_views(client, article, days):
    _, today = days
    Event.objects.bulk_create(readers(article.pk, today, 1234))
    response = client.get(f"/doi/abs/{article.doi}", HTTP_USER_AGENT=FIREFOX)
    assert response.status_code == 200
    # The reader's own view is recorded before the page is filled in, and counts at once.
    assert '<li class="metric metric-views"><strong>1,235</strong> Views' in response.text
