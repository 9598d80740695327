"""People also read, measured: does it predict the article a reader opens next?

Called by bench/related_quality.py as ``report(database_alias, days, k)``; it can also
run alone against the configured database (DATABASE_URL, MASTHEAD_HOME):

    .venv/bin/python bench/_coread_quality.py [--days 365] [-k 10]

The usage sessions of the last `days` days before the latest recorded event are read as
`related.sessions.reading_sessions` gives them (robots, denials and TDM out, COUNTER
user-sessions), then split by time: the first 80 % of the sessions (by when they began) train
co-readership, the others test it. Every consecutive pair of first reads (a -> b) in a test
session whose `a` was read in training is a trial; a hit when b is in a's top k. The
baseline recommends the k articles read in most training sessions (less a itself).

Under `MIN_TEST_PAIRS` trials the rates are printed but marked as too few to measure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIN_TEST_PAIRS = 50
TRAIN_SHARE = 0.8


def _django() -> None:
    """Set Django up when run alone (bench/related_quality.py has done it already)."""
    from django.apps import apps

    if not apps.ready:
        sys.path.insert(0, str(ROOT / "src"))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
        import django

        django.setup()


def report(database_alias: str = "default", days: int = 365, k: int = 10) -> dict:
    """Hit rate @k of People also read and of the most-read baseline, with the counts."""
    _django()
    from django.db.models import Max

    from masthead.related import coreadership
    from masthead.related.sessions import reading_sessions
    from masthead.usage.models import Event

    latest = Event.objects.using(database_alias).aggregate(at=Max("occurred_at"))["at"]
    result: dict = {"database": database_alias, "days": days, "k": k}
    if latest is None:
        result.update(enough=False, note="no usage events recorded")
        print(f"People also read: {result['note']}")
        return result
    started = time.perf_counter()
    until = latest + dt.timedelta(microseconds=1)
    reads = list(reading_sessions(until - dt.timedelta(days=days), until, using=database_alias))
    read_seconds = time.perf_counter() - started
    result.update(
        reads=len(reads),
        sessions=len({r.session for r in reads}),
        items=len({r.item for r in reads}),
        read_seconds=round(read_seconds, 2),
    )
    if not reads:
        result.update(enough=False, test_pairs=0, note="no human reads in the period")
        _print(result)
        return result
    # The later fifth of the sessions (by when they started) is the test: a share of the
    # sessions, not of the time span, so that a burst of traffic is split too.
    starts = sorted({r.session: r.at for r in reversed(reads)}.values())
    train, test = coreadership.split_by_time(reads, starts[int(TRAIN_SHARE * len(starts))])
    test_sessions = coreadership.ordered_sessions(test)
    started = time.perf_counter()
    coread = coreadership.next_article_hit_rate(train, test_sessions, k=k)
    result["coread_seconds"] = round(time.perf_counter() - started, 2)
    popular = coreadership.popular_hit_rate(train, test_sessions, k=k)
    enough = coread.trials >= MIN_TEST_PAIRS
    result.update(
        train_reads=len(train),
        test_reads=len(test),
        test_sessions=len(test_sessions),
        test_pairs=coread.trials,
        coread=coread._asdict(),
        popular=popular._asdict(),
        enough=enough,
        note="" if enough else f"too few test pairs to measure (under {MIN_TEST_PAIRS})",
    )
    _print(result)
    return result


def _print(result: dict) -> None:
    print(
        f"People also read, last {result['days']} days of usage: {result['reads']:,} reads, "
        f"{result['sessions']:,} sessions, {result['items']:,} articles "
        f"(read in {result['read_seconds']} s)"
    )
    if "coread" in result:
        k = result["k"]
        print(
            f"  test: {result['test_sessions']:,} sessions, "
            f"{result['test_pairs']:,} next-article pairs"
        )
        for name, label in (("coread", "co-readership"), ("popular", "most read (baseline)")):
            hit = result[name]
            print(
                f"  hit rate@{k} {label:22} {hit['rate']:.3f}  ({hit['hits']:,}/{hit['trials']:,})"
            )
        print(f"  co-readership trained in {result['coread_seconds']} s")
    if result["note"]:
        print(f"  NOTE: {result['note']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="default")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("-k", type=int, default=10)
    args = parser.parse_args()
    report(args.database, args.days, args.k)


if __name__ == "__main__":
    main()
