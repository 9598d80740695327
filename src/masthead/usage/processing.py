"""COUNTER processing: raw usage events of a closed UTC day into its DailyUsage rollups.

One day at a time: stream the day's events (plus the first 30 seconds of the next day, a
lookahead that only removes double-clicks at midnight and is never counted) in time order,
(PostgreSQL: a server-side cursor, read ahead by a thread); judge robots by user agent
(7.8, the COUNTER robots list); count with `counter.count_actions`; then replace the day's
rows in one transaction and note the day in ProcessedDay. `reprocess` recomputes days
already done, for when the rules or the robots list change (7.11). The Views count
(views_count.py) runs the same `count_rows` on the raw events of days not yet processed.

Every event counts once in the all-usage rows (institution_id NULL) and once for each
institution its reader belongs to; unique items are counted per user-session within each.
Times are integer microseconds since midnight of the first day read, computed by the
database, so no datetime object is built per event.
"""

from __future__ import annotations

import datetime as dt
import queue
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from operator import itemgetter

import counter_robots
from django.db import connection, transaction
from django.utils import timezone

from masthead.sql import as_date
from masthead.usage import counter
from masthead.usage.models import LiveViews, ProcessedDay
from masthead.usage.months import last_of_month

UTC = dt.UTC
SECOND = 1_000_000  # times are microseconds
HOUR = 3600 * SECOND
DAY = 24 * HOUR
WINDOW = int(counter.DOUBLE_CLICK_WINDOW.total_seconds()) * SECOND
LOOKAHEAD = counter.DOUBLE_CLICK_WINDOW
# A request takes its timestamp before its INSERT commits: leave it time to land before a
# day is closed for good.
SETTLE = dt.timedelta(seconds=30)
CHUNK = 10_000

_COLUMNS = """kind, denial_reason, session_id, tracked_session, url, user_agent,
    item_id, title_id, yop, access_type, access_method, institution_ids"""
ROLLUP_COLUMNS = (
    "day",
    "title_id",
    "item_id",
    "institution_id",
    "yop",
    "access_type",
    "access_method",
    "metric_type",
    "count",
)

# A row key: what a DailyUsage row is apart from its day, metric and count.
RowKey = tuple[int, int, int | None, int | None, str, str]  # item, title, inst, yop, type, method


@dataclass(frozen=True)
class DayResult:
    day: dt.date
    events: int  # raw events of the day, robots included
    robots: int
    rows: int  # DailyUsage rows written
    seconds: float
    final: bool  # a closed day, now in ProcessedDay; else provisional rows only


# --- robots --------------------------------------------------------------------------------
_robots: dict[str, bool] = {}


def is_robot(user_agent: str) -> bool:
    """The COUNTER robots list's judgement (7.8), memoised: the list is one big regex."""
    judged = _robots.get(user_agent)
    if judged is None:
        if len(_robots) > 100_000:
            _robots.clear()
        judged = _robots[user_agent] = counter_robots.is_robot_or_machine(user_agent)
    return judged


def robots_version() -> str:
    return counter_robots.__version__


# --- reading -------------------------------------------------------------------------------
def _at_sql() -> str:
    """SQL for an event's time in microseconds since midnight of the date given as param."""
    if connection.vendor == "postgresql":
        return "(EXTRACT(EPOCH FROM (occurred_at - %s)) * 1000000)::bigint"
    # SQLite keeps "YYYY-MM-DD HH:MM:SS[.ffffff]" (UTC): exact integer arithmetic on the text.
    return """(CAST(julianday(substr(occurred_at, 1, 10)) - julianday(%s) AS INTEGER) * 86400000000
        + CAST(substr(occurred_at, 12, 2) AS INTEGER) * 3600000000
        + CAST(substr(occurred_at, 15, 2) AS INTEGER) * 60000000
        + CAST(substr(occurred_at, 18, 2) AS INTEGER) * 1000000
        + CAST(substr(occurred_at || '.000000', 21, 6) AS INTEGER))"""


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=UTC)


def _param_datetime(value: dt.datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _origin_param(day: dt.date):
    return midnight(day) if connection.vendor == "postgresql" else day.isoformat()


def read_events(
    start: dt.date,
    end: dt.datetime,
    item_ids: Iterable[int] | None = None,
    *,
    stream: bool = True,
    since: dt.datetime | None = None,
) -> Iterator[tuple]:
    """Raw events from midnight of `start` (or from `since`) to `end` (excluded), in time
    order, as tuples (at, kind, denial_reason, session_id, tracked, url, user_agent, item_id,
    title_id, yop, access_type, access_method, institution_ids); `at` in microseconds since
    midnight of `start`.

    `stream`: through a server-side cursor on PostgreSQL (a day of events); without, one
    round trip (a minute of events)."""
    where = "occurred_at >= %s AND occurred_at < %s"
    first = since or midnight(start)
    params = [_origin_param(start), _param_datetime(first), _param_datetime(end)]
    if item_ids is not None:
        ids = list(item_ids)
        where += f" AND item_id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    sql = f"""SELECT {_at_sql()}, {_COLUMNS} FROM usage_event WHERE {where}
        ORDER BY occurred_at, id"""  # noqa: S608 - no value is formatted in
    server_side = stream and connection.vendor == "postgresql"
    # A server-side cursor needs a transaction to live in.
    with transaction.atomic(savepoint=False) if server_side else nullcontext():
        cursor = connection.chunked_cursor() if server_side else connection.cursor()
        try:
            cursor.execute(sql, params)
            if server_side:  # on SQLite a thread only fights the counting for the GIL
                yield from _prefetched(cursor)
            else:
                while chunk := cursor.fetchmany(CHUNK):
                    yield from chunk
        finally:
            cursor.close()


def _prefetched(cursor) -> Iterator[tuple]:
    """The cursor's rows, the next chunk fetched by a thread while these are counted: the
    database works on the other core while Python counts."""
    chunks: queue.Queue = queue.Queue(maxsize=2)

    def fetch() -> None:
        try:
            while chunk := cursor.fetchmany(CHUNK):
                chunks.put(chunk)
            chunks.put(None)
        except BaseException as error:  # handed to the reader
            chunks.put(error)

    thread = threading.Thread(target=fetch, daemon=True)
    thread.start()
    try:
        while (chunk := chunks.get()) is not None:
            if isinstance(chunk, BaseException):
                raise chunk
            yield from chunk
    finally:
        while thread.is_alive():  # never leave a thread on the cursor
            try:
                chunks.get(timeout=0.1)
            except queue.Empty:
                pass


# --- counting ------------------------------------------------------------------------------
@dataclass
class Tally:
    """What `count_rows` found: counts by (row id, metric_type), `row_keys[row id]` the row."""

    row_keys: list[RowKey]
    counts: dict[tuple[int, str], int]
    events: int = 0  # raw events before `until`, robots included
    robots: int = 0
    invalid: int = 0  # events no COUNTER metric knows (unknown kind, Access_Type...)

    def items(self) -> Iterator[tuple[RowKey, str, int]]:
        row_keys = self.row_keys
        for (row, metric_type), n in self.counts.items():
            yield row_keys[row], metric_type, n


_NO_END = 1 << 62


def count_rows(rows: Iterable[tuple], until: int | None = None) -> Tally:
    """Count raw event tuples as `read_events` gives them (time order), COUNTER's way.

    Events at or after `until` (microseconds) are the lookahead: double-clicks only.
    """
    until = _NO_END if until is None else until
    tally = Tally(row_keys=[], counts={})
    row_keys = tally.row_keys
    row_ids: dict[RowKey, int] = {}
    attributions: dict[tuple, tuple[int, ...] | None] = {}
    institution_lists: dict[str, list[int | None]] = {}

    def attribute(key: tuple) -> tuple[int, ...] | None:
        """The row ids an event counts in: all usage, then each institution of the reader."""
        item, title, yop, access_type, access_method, institutions = key
        if access_type not in counter.ACCESS_TYPES or access_method not in counter.ACCESS_METHODS:
            return None
        attributed = institution_lists.get(institutions)
        if attributed is None:
            ids = sorted({int(i) for i in institutions.split(",") if i.strip()})
            attributed = institution_lists[institutions] = [None, *ids]
        ids = []
        for institution in attributed:
            row = (item, title, institution, yop, access_type, access_method)
            row_id = row_ids.get(row)
            if row_id is None:
                row_id = row_ids[row] = len(row_keys)
                row_keys.append(row)
            ids.append(row_id)
        return tuple(ids)

    def actions() -> Iterator[tuple]:
        robots = _robots
        kinds = counter.KINDS
        denied = counter.DENIED
        denials = counter.DENIAL_METRICS
        n = n_robots = n_invalid = 0
        for row in rows:
            at, kind, reason, session_id, tracked, url, agent = row[:7]
            n += at < until
            robot = robots.get(agent)
            if robot is None:
                robot = is_robot(agent)
            if robot:
                n_robots += at < until
                continue
            key = row[7:]
            ids = attributions.get(key, False)
            if ids is False:
                ids = attributions[key] = attribute(key)
            if ids is None or kind not in kinds or (kind == denied and reason not in denials):
                n_invalid += at < until
                continue
            # 7.3: a logged session lasts the day, a surrogate one the hour.
            session = (session_id, at // DAY, 24) if tracked else (session_id, at // HOUR)
            yield (at, session_id, url, kind, reason, session, ids, ())
        tally.events, tally.robots, tally.invalid = n, n_robots, n_invalid

    tally.counts = counter.count_actions(actions(), window=WINDOW, until=until)
    return tally


# --- writing -------------------------------------------------------------------------------
def _copy_text(rows: list[tuple]) -> str:
    """Rows in COPY's text format (no value here holds a tab, newline or backslash)."""
    null = "\\N"
    return "".join(
        f"{day}\t{title}\t{item}\t{null if inst is None else inst}\t"
        f"{null if yop is None else yop}\t{access_type}\t{method}\t{metric}\t{n}\n"
        for day, title, item, inst, yop, access_type, method, metric, n in rows
    )


def _write(day: dt.date, tally: Tally, final: bool) -> int:
    day_param = connection.ops.adapt_datefield_value(day)
    rows = [
        (day_param, title, item, institution, yop, access_type, access_method, metric, n)
        for (item, title, institution, yop, access_type, access_method), metric, n in (
            tally.items()
        )
    ]
    rows.sort(key=itemgetter(2))  # by item: the item index is then written in order
    columns = ", ".join(ROLLUP_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Two workers on one day take turns, or both would insert the day's rows.
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7_114, day.toordinal()])
        cursor.execute("DELETE FROM usage_dailyusage WHERE day = %s", [day_param])
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY usage_dailyusage ({columns}) FROM STDIN") as copy:
                for start in range(0, len(rows), CHUNK):
                    copy.write(_copy_text(rows[start : start + CHUNK]))
        elif rows:
            cursor.execute("PRAGMA cache_size = -65536")  # 64 MB: the indexes stay in memory
            marks = ", ".join(["%s"] * len(ROLLUP_COLUMNS))
            cursor.executemany(
                f"INSERT INTO usage_dailyusage ({columns}) VALUES ({marks})",  # noqa: S608
                rows,
            )
        if final:
            ProcessedDay.objects.update_or_create(
                day=day, defaults={"events": tally.events, "robots_version": robots_version()}
            )
            LiveViews.objects.filter(day=day).delete()  # the day's Views are in its rollups
    return len(rows)


# --- days ----------------------------------------------------------------------------------
def is_closed(day: dt.date, now: dt.datetime | None = None) -> bool:
    """A day is closed once its lookahead is over and late requests have landed."""
    now = now or timezone.now()
    return midnight(day) + dt.timedelta(days=1) + LOOKAHEAD + SETTLE <= now


def process_day(day: dt.date, now: dt.datetime | None = None) -> DayResult:
    """(Re)compute one UTC day's DailyUsage rows from its raw events.

    A closed day is recorded in ProcessedDay; an open one (today) gets provisional rows
    only, so it stays pending and the Views count keeps reading its LiveViews.
    """
    started = time.perf_counter()
    final = is_closed(day, now)
    end = midnight(day) + dt.timedelta(days=1)
    tally = count_rows(read_events(day, end + LOOKAHEAD), until=DAY)
    written = _write(day, tally, final)
    seconds = time.perf_counter() - started
    return DayResult(day, tally.events, tally.robots, written, seconds, final)


def _next_event_day(after: dt.date) -> dt.date | None:
    """The first day on or after `after` with a raw event (one index lookup)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MIN(occurred_at) FROM usage_event WHERE occurred_at >= %s",
            [_param_datetime(midnight(after))],
        )
        return as_date(cursor.fetchone()[0])


def pending_days(now: dt.datetime | None = None) -> list[dt.date]:
    """Closed days with raw events and no ProcessedDay row, oldest first."""
    now = now or timezone.now()
    processed = set(ProcessedDay.objects.values_list("day", flat=True))
    days = []
    day = _next_event_day(dt.date.min)
    while day is not None and is_closed(day, now):
        if day in processed:
            while day in processed:  # skip a run of done days without a query each
                day += dt.timedelta(days=1)
            day = _next_event_day(day)
            continue
        days.append(day)
        day = _next_event_day(day + dt.timedelta(days=1))
    return days


def last_closed_day(now: dt.datetime | None = None) -> dt.date:
    now = now or timezone.now()
    return (now - LOOKAHEAD - SETTLE).date() - dt.timedelta(days=1)


def mark_quiet_days(now: dt.datetime) -> None:
    """Closed days without a single event since the first processed day are processed too
    (0 events): a month is ready for reports once every one of its days is (report_format)."""
    days = set(ProcessedDay.objects.values_list("day", flat=True))
    if not days:
        return
    version = robots_version()
    day, last = min(days), last_closed_day(now)
    quiet = []
    while day <= last:
        if day not in days:
            quiet.append(ProcessedDay(day=day, events=0, robots_version=version))
        day += dt.timedelta(days=1)
    ProcessedDay.objects.bulk_create(quiet, ignore_conflicts=True)


def process_pending(now: dt.datetime | None = None) -> list[dt.date]:
    """Roll up every closed day that has raw events and is not yet processed; returns them.

    Closed days with no event at all are recorded as processed (0 events) on the way."""
    now = now or timezone.now()
    done = [process_day(day, now).day for day in pending_days(now)]
    mark_quiet_days(now)
    return done


def reprocess(
    first_day: dt.date, last_day: dt.date, now: dt.datetime | None = None
) -> list[DayResult]:
    """Recompute every day from `first_day` to `last_day` (up to today), processed or not:
    the restatement of 7.11 after a change of rules or of the robots list."""
    today = (now or timezone.now()).date()
    results = []
    day = first_day
    while day <= min(last_day, today):
        results.append(process_day(day, now))
        day += dt.timedelta(days=1)
    return results


def month_days(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of a "YYYY-MM" month."""
    first = dt.date.fromisoformat(f"{month}-01")
    return first, last_of_month(first)


def reprocess_month(month: str, now: dt.datetime | None = None) -> list[DayResult]:
    return reprocess(*month_days(month), now=now)
