"""Views counts and reports stay exact under concurrent load: parallel requests from several
processes, and no event is lost or counted twice."""

import multiprocessing
import urllib.request

import pytest
from django.core.cache import cache
from django.utils import timezone

from masthead.usage import live, processing
from masthead.usage.counter import TOTAL_ITEM_INVESTIGATIONS, UNIQUE_ITEM_INVESTIGATIONS
from masthead.usage.models import DailyUsage, Event
from masthead.usage.views_count import views_count

PROCESSES = 4
REQUESTS = 15  # per process


def fire(args: tuple[str, int]) -> int:
    """One process's requests, each as another reader (its own user agent): no two of them
    can be a double-click, so every one must count."""
    url, worker = args
    served = 0
    for n in range(REQUESTS):
        agent = f"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.{worker}.{n}"
        request = urllib.request.Request(url, headers={"User-Agent": agent})
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            served += response.status == 200
    return served


@pytest.mark.django_db(transaction=True)
def test_parallel_readers_are_each_counted_once(live_server, make_article):
    article = make_article()
    url = f"{live_server.url}/doi/abs/{article.doi}"
    with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
        served = sum(pool.map(fire, [(url, w) for w in range(PROCESSES)]))
    sent = PROCESSES * REQUESTS
    assert served == sent

    # Every request left exactly one event.
    events = Event.objects.filter(item_id=article.pk)
    assert events.count() == sent
    assert events.values("user_agent").distinct().count() == sent

    # The usage worker's next pass folds them all into the Views count, once each.
    live.fold(now=timezone.now() + live.LAG)
    cache.clear()
    assert views_count(article.pk) == sent

    # And so do the rollups the reports read, even with today rolled up while still open.
    today = timezone.now().date()
    result = processing.process_day(today)
    assert result.events == sent
    rows = DailyUsage.objects.filter(item_id=article.pk, day=today, institution_id=None)
    by_metric = dict(rows.values_list("metric_type", "count"))
    assert by_metric[TOTAL_ITEM_INVESTIGATIONS] == sent
    assert by_metric[UNIQUE_ITEM_INVESTIGATIONS] == sent
    cache.clear()
    assert views_count(article.pk) == sent  # the open day is not counted twice
