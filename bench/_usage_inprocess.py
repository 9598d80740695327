"""In-process usage figures for bench/usage.py: run with the project's Python and a migrated
database (DATABASE_URL, MASTHEAD_HOME) holding _seed.py's article.

    _usage_inprocess.py --doi DOI --events N --days D --tr-events M --out result.json

1. Recording: the article page through Django's whole stack (test Client, anonymous, a
   warm page cache), in alternating blocks with `record` on and off (the baseline), and
   `record()` alone.
2. Processing: N synthetic raw events over D closed days written as the web would (COPY on
   PostgreSQL: the ceiling; one INSERT transaction on SQLite), then `process_day` for each
   day: events per second against the write rate.
3. A year's TR for 1,000 journals: M events over 365 days counted by the same code
   (`count_rows` and the rollup writer, fed from memory so the year is not written twice),
   then `build_report` for The World and for one institution, and the tab-separated form.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import time
import warnings

warnings.filterwarnings("ignore", "No directory at")  # whitenoise: no collectstatic here
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402

from masthead.catalog.models import Journal, Publisher  # noqa: E402
from masthead.reader import views as reader_views  # noqa: E402
from masthead.reader.lookup import find_article  # noqa: E402
from masthead.usage import processing, reports, services, tabular  # noqa: E402
from masthead.usage.models import DailyUsage, Event, ProcessedDay  # noqa: E402

BROWSERS = [f"Mozilla/5.0 (X11; Linux x86_64) Chrome/{v}.0" for v in range(100, 140)]
ROBOTS = ["Googlebot/2.1 (+http://www.google.com/bot.html)", "python-requests/2.31"]
KINDS = ["abstract"] * 5 + ["full_text"] * 3 + ["pdf", "citation_export"]
COLUMNS = (
    "occurred_at", "item_id", "title_id", "yop", "kind", "denial_reason", "access_type",
    "access_method", "session_id", "tracked_session", "url", "user_agent", "institution_ids",
)  # fmt: skip


# --------------------------------------------------------------------------- 1. recording


def recording(doi: str, blocks: int, per_block: int) -> dict:
    client = Client(HTTP_USER_AGENT=BROWSERS[0], HTTP_HOST="127.0.0.1")
    path = f"/doi/abs/{doi}"
    assert client.get(path).status_code == 200
    real = reader_views.record
    timings: dict[str, list[float]] = {"with": [], "without": []}
    for block in range(blocks * 2):
        mode = "with" if block % 2 == 0 else "without"
        reader_views.record = real if mode == "with" else (lambda *a, **k: None)
        try:
            for _ in range(per_block):
                started = time.perf_counter()
                response = client.get(path)
                timings[mode].append(time.perf_counter() - started)
                assert response.status_code == 200
        finally:
            reader_views.record = real
    request = RequestFactory().get(path, HTTP_USER_AGENT=BROWSERS[0], HTTP_HOST="127.0.0.1")
    from django.contrib.sessions.backends.db import SessionStore

    request.session = SessionStore()
    request.access_institutions = ()
    ref = find_article(doi)
    alone = []
    for _ in range(blocks * per_block):
        started = time.perf_counter()
        services.record(request, ref, "abstract")
        alone.append(time.perf_counter() - started)

    def ms(values, q=None):
        if q is None:
            return statistics.fmean(values) * 1000
        return statistics.quantiles(values, n=100)[q - 1] * 1000

    return {
        "requests": len(timings["with"]),
        "page_with_ms": ms(timings["with"]),
        "page_without_ms": ms(timings["without"]),
        "page_with_p50_ms": ms(timings["with"], 50),
        "page_without_p50_ms": ms(timings["without"], 50),
        "added_ms": ms(timings["with"]) - ms(timings["without"]),
        "added_p50_ms": ms(timings["with"], 50) - ms(timings["without"], 50),
        "record_alone_ms": ms(alone),
        "record_alone_p99_ms": ms(alone, 99),
    }


# --------------------------------------------------------------------------- 2. processing


def popularity(titles: list[int], seed: int = 7) -> tuple[list[tuple[int, int]], list[float]]:
    """Items (title, item id), 20 a title, and cumulative Zipf weights (s = 1): as on a real
    platform, a few articles are read a lot and most a little."""
    rng = random.Random(seed)
    items = [(title, title * 100 + k) for title in titles for k in range(20)]
    rng.shuffle(items)
    cumulative, total = [], 0.0
    for rank in range(len(items)):
        total += 1 / (rank + 1)
        cumulative.append(total)
    return items, cumulative


def synthetic_events(n: int, first_day: dt.date, days: int, titles: list[int], seed: int = 5):
    """Raw event rows (COLUMNS order) over `days` days: Zipf-popular items, 50,000 readers,
    2 % robots, a third of readers at one or two of 200 institutions, visits of one to three
    clicks (some within 30 seconds: double-clicks)."""
    rng = random.Random(seed)
    items, cumulative = popularity(titles)
    start = dt.datetime.combine(first_day, dt.time(), tzinfo=dt.UTC)
    span = days * 86400 - 600
    rows = []
    while len(rows) < n:
        reader = rng.randrange(50_000)
        title, item = rng.choices(items, cum_weights=cumulative)[0]
        agent = ROBOTS[reader % 2] if reader % 50 == 0 else BROWSERS[reader % len(BROWSERS)]
        institutions = ""
        if reader % 3 == 0:
            institutions = str(reader % 200 + 1)
            if reader % 7 == 0:
                institutions += f",{(reader + 1) % 200 + 1}"
        at = start + dt.timedelta(seconds=rng.randrange(span), microseconds=rng.randrange(10**6))
        session = f"{reader:032x}"
        for _ in range(rng.choice((1, 1, 2, 3))):  # a visit: some clicks in a row
            kind = rng.choice(KINDS)
            denial = ""
            if kind == "full_text" and rng.random() < 0.1:
                kind, denial = "denied", rng.choice(("no_license", "limit_exceeded"))
            rows.append(
                (
                    at, item, title, 2000 + item % 25, kind, denial,
                    ("Controlled", "Open", "Free_To_Read")[item % 3], "Regular", session,
                    reader % 4 == 0, f"/doi/{kind}/{item}", agent, institutions,
                )
            )  # fmt: skip
            at += dt.timedelta(seconds=rng.choice((5, 20, 45, 120)))
    return rows[:n]


def write_raw(rows) -> float:
    """Seconds to write the rows as raw events: COPY on PostgreSQL, INSERTs on SQLite."""
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = ", ".join(COLUMNS)
            with cursor.cursor.copy(f"COPY usage_event ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(COLUMNS))
            cursor.executemany(
                f"INSERT INTO usage_event ({', '.join(COLUMNS)}) VALUES ({marks})",  # noqa: S608
                [(connection.ops.adapt_datetimefield_value(r[0]), *r[1:]) for r in rows],
            )
    return time.perf_counter() - started


def processing_figures(n: int, days: int, titles: list[int]) -> dict:
    first_day = dt.date(2026, 1, 1)
    rows = synthetic_events(n, first_day, days, titles)
    write_seconds = write_raw(rows)
    del rows
    started = time.perf_counter()
    results = [processing.process_day(first_day + dt.timedelta(days=d)) for d in range(days)]
    seconds = time.perf_counter() - started
    events = sum(r.events for r in results)
    assert events == n, (events, n)
    return {
        "events": n,
        "days": days,
        "rollup_rows": sum(r.rows for r in results),
        "robots": sum(r.robots for r in results),
        "write_seconds": write_seconds,
        "write_events_per_s": n / write_seconds,
        "process_seconds": seconds,
        "process_events_per_s": n / seconds,
    }


# --------------------------------------------------------------------------- 3. a year's TR


def year_of_rollups(n: int, titles: list[int], year: int) -> dict:
    per_day = n // 365
    started = time.perf_counter()
    rows_written = 0
    for d in range(365):
        day = dt.date(year, 1, 1) + dt.timedelta(days=d)
        rows = synthetic_events(per_day, day, 1, titles, seed=d)
        rows.sort(key=lambda r: r[0])
        origin = processing.midnight(day)
        tuples = (
            (
                (r[0] - origin) // dt.timedelta(microseconds=1), r[4], r[5], r[8], r[9], r[10],
                r[11], r[1], r[2], r[3], r[6], r[7], r[12],
            )
            for r in rows
        )  # fmt: skip
        tally = processing.count_rows(tuples, until=processing.DAY)
        rows_written += processing._write(day, tally, final=True)
    return {
        "events": per_day * 365,
        "rollup_rows": rows_written,
        "count_and_write_seconds": time.perf_counter() - started,
    }


def tr_figures(n: int, titles: list[int]) -> dict:
    year = 2025
    built = year_of_rollups(n, titles, year)
    figures = {"year_events": built["events"], "year_rollup_rows": built["rollup_rows"],
               "year_count_seconds": built["count_and_write_seconds"]}  # fmt: skip
    # The master TR as harvesters usually ask for it, then with YOP and Access_Type shown
    # (a row per title, year of publication and access type: the biggest TR there is).
    for name, institution, attributes in (
        ("world", None, ()),
        ("world_attributes", None, ("Access_Type", "YOP")),
        ("institution", 1, ()),
    ):
        request = reports.ReportRequest(
            report_id="tr", begin=dt.date(year, 1, 1), end=dt.date(year, 12, 31),
            institution_id=institution, customer_id=name, institution_name=name,
            attributes_to_show=attributes,
        )  # fmt: skip
        started = time.perf_counter()
        report = reports.build_report(request)
        figures[f"tr_{name}_seconds"] = time.perf_counter() - started
        figures[f"tr_{name}_items"] = len(report.get("Report_Items", []))
        started = time.perf_counter()
        text = tabular.to_tsv(report)
        figures[f"tsv_{name}_seconds"] = time.perf_counter() - started
        figures[f"tsv_{name}_lines"] = text.count("\n")
    return figures


def journals(count: int) -> list[int]:
    publisher = Publisher.objects.create(name="Bench usage press")
    Journal.objects.bulk_create(
        Journal(publisher=publisher, code=f"u{i}", title=f"Usage Journal {i}",
                issn_online=f"{5600 + i // 10:04d}-{i % 10:03d}X")
        for i in range(count)
    )  # fmt: skip
    return list(Journal.objects.filter(publisher=publisher).values_list("pk", flat=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--doi", required=True)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--tr-events", type=int, default=10_000_000)
    parser.add_argument("--blocks", type=int, default=10)
    parser.add_argument("--per-block", type=int, default=200)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    cache.clear()
    result = {"backend": connection.vendor}
    print("recording ...", flush=True)
    result["recording"] = recording(args.doi, args.blocks, args.per_block)
    Event.objects.all().delete()
    titles = journals(1000)
    print(f"processing {args.events:,} events ...", flush=True)
    result["processing"] = processing_figures(args.events, args.days, titles)
    DailyUsage.objects.all().delete()
    ProcessedDay.objects.all().delete()
    print(f"a year's TR from {args.tr_events:,} events ...", flush=True)
    result["tr"] = tr_figures(args.tr_events, titles)
    with open(args.out, "w") as out:
        json.dump(result, out, indent=1)


if __name__ == "__main__":
    main()
