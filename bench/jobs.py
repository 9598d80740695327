"""The job queue's own cost: what a job pays for going through the queue, and how fast a
worker claims with a long backlog waiting.

    .venv/bin/python bench/jobs.py [--jobs 2000] [--backlog 20000] [--database-url URL]

On a throwaway database (SQLite, or an empty PostgreSQL database): N cheap jobs
(`prune_jobs` on an empty table) run by `Worker.run_one()`, against the baseline of the
same command called directly N times in the same run; then claims (one claim and one
finish) with a backlog of waiting jobs in the table, so the index on (status, run_after)
shows whether a claim stays cheap as the queue grows; and enqueueing through Django's
task API against a plain INSERT of the same row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import sys
import time

import _pubmed_site


def timed(n: int, step) -> list[float]:
    seconds = []
    for _ in range(n):
        started = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - started)
    return seconds


def line(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return (
        f"{name:<44} {len(ms) / sum(seconds):>9,.0f}/s  "
        f"p50 {statistics.median(ms):7.2f} ms  p99 {p99:7.2f} ms"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--backlog", type=int, default=20000)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default SQLite)")
    args = parser.parse_args(argv)
    _pubmed_site.start(args, "masthead-bench-jobs-", {})

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from django_tasks.utils import get_random_id

    from masthead.jobs.models import Job
    from masthead.jobs.services import RUN_COMMAND, enqueue_command
    from masthead.jobs.worker import Worker

    print(f"{connection.vendor}, {args.jobs:,} jobs, backlog {args.backlog:,}")
    quiet = io.StringIO()
    print(line("baseline: call_command directly", timed(args.jobs, lambda: call_command(
        "prune_jobs", stdout=quiet))))  # fmt: skip

    now = timezone.now()
    print(line("baseline: INSERT the job row", timed(args.jobs, lambda: Job.objects.create(
        id=get_random_id(), task_path=RUN_COMMAND, args=["prune_jobs"], enqueued_at=now,
        run_after=now + dt.timedelta(days=1)))))  # fmt: skip
    Job.objects.all().delete()
    print(line("enqueue through the task API", timed(args.jobs, lambda: enqueue_command(
        "prune_jobs"))))  # fmt: skip

    worker = Worker()
    print(line("run through the queue (claim, run, finish)", timed(args.jobs, worker.run_one)))

    later = timezone.now() + dt.timedelta(days=1)
    Job.objects.bulk_create(
        Job(id=get_random_id(), task_path=RUN_COMMAND, args=["prune_jobs"], enqueued_at=later,
            run_after=later)
        for _ in range(args.backlog)
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for _ in range(args.jobs):
        enqueue_command("prune_jobs")
    print(line(f"... with {args.backlog:,} jobs waiting", timed(args.jobs, worker.run_one)))
    print(line("an idle claim (nothing due)", timed(200, worker.run_one)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
