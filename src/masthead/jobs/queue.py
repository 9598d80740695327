"""The queue's state changes: claim, renew, finish, fail, retry, prune.

A claim is a compare-and-set on (status, attempts), so on SQLite and PostgreSQL alike two
workers never run the same attempt, and a job whose worker died (its lease ran out) is
taken again by the next worker that looks.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import TaskResultStatus as Status

from masthead.jobs import retry
from masthead.jobs.models import Job

LOST = "The worker stopped during this attempt (its lease ran out)."


def due(now: dt.datetime):
    """Jobs a worker may take now: ready ones whose time has come, and abandoned ones."""
    return Job.objects.filter(
        Q(status=Status.READY, run_after__lte=now) | Q(status=Status.RUNNING, lease_until__lt=now)
    )


def claim(worker_id: str, lease: dt.timedelta, queues=None, now=None) -> Job | None:
    """Take the next due job for this worker, or None when there is none."""
    now = now or timezone.now()
    candidates = due(now)
    if queues:
        candidates = candidates.filter(queue_name__in=queues)
    rows = candidates.order_by("-priority", "run_after", "enqueued_at").values_list(
        "pk", "status", "attempts", "max_attempts"
    )[:10]
    for pk, status, attempts, max_attempts in rows:
        if status == Status.RUNNING and retry.gives_up(attempts, max_attempts):
            _give_up_lost(pk, attempts, now)
            continue
        taken = Job.objects.filter(pk=pk, status=status, attempts=attempts).update(
            status=Status.RUNNING,
            attempts=F("attempts") + 1,
            worker_id=worker_id,
            lease_until=now + lease,
            last_attempted_at=now,
        )
        if taken:
            job = Job.objects.get(pk=pk)
            if status == Status.RUNNING:
                job.errors = [*job.errors, _lost_error()]
            job.started_at = job.started_at or now
            job.worker_ids = [*job.worker_ids, worker_id]
            job.save(update_fields=["started_at", "worker_ids", "errors"])
            return job
    return None


def renew(worker_id: str, lease: dt.timedelta, now=None) -> int:
    """Extend the leases of the jobs this worker is running."""
    now = now or timezone.now()
    return Job.objects.filter(worker_id=worker_id, status=Status.RUNNING).update(
        lease_until=now + lease
    )


def finish(job: Job, return_value, output: str, now=None) -> bool:
    """Record success, unless another worker took the job meanwhile (then False)."""
    return _close(job, now, status=Status.SUCCESSFUL, return_value=return_value, output=output)


def fail(job: Job, error: dict, output: str, now=None) -> bool:
    """Record a failed attempt: READY again after a delay, or FAILED after the last one."""
    now = now or timezone.now()
    errors = [*job.errors, error]
    if retry.gives_up(job.attempts, job.max_attempts):
        return _close(job, now, status=Status.FAILED, errors=errors, output=output)
    return _close(
        job,
        now,
        status=Status.READY,
        errors=errors,
        output=output,
        run_after=now + retry.delay(job.attempts),
        finished_at=None,
    )


def retry_now(job_id: str, now=None) -> bool:
    """A person's retry of a FAILED job: it gets a fresh set of attempts, at once."""
    now = now or timezone.now()
    return bool(
        Job.objects.filter(pk=job_id, status=Status.FAILED).update(
            status=Status.READY, run_after=now, attempts=0, finished_at=None, lease_until=None
        )
    )


def prune(now=None, keep=dt.timedelta(days=7), keep_failed=dt.timedelta(days=30)) -> int:
    """Forget finished jobs: successful ones after a week, failed ones after a month."""
    now = now or timezone.now()
    old = Q(status=Status.SUCCESSFUL, finished_at__lt=now - keep) | Q(
        status=Status.FAILED, finished_at__lt=now - keep_failed
    )
    return Job.objects.filter(old).delete()[0]


def _close(job: Job, now, **fields) -> bool:
    fields.setdefault("finished_at", now or timezone.now())
    fields["lease_until"] = None
    with transaction.atomic():
        mine = Job.objects.filter(
            pk=job.pk, status=Status.RUNNING, worker_id=job.worker_id, attempts=job.attempts
        ).update(**fields)
    return bool(mine)


def _lost_error() -> dict:
    return {"exception_class_path": "masthead.jobs.queue.WorkerLost", "traceback": LOST}


def _give_up_lost(pk: str, attempts: int, now) -> None:
    job = Job.objects.filter(pk=pk, status=Status.RUNNING, attempts=attempts).first()
    if job is None:
        return
    Job.objects.filter(pk=pk, status=Status.RUNNING, attempts=attempts).update(
        status=Status.FAILED, finished_at=now, lease_until=None, errors=[*job.errors, _lost_error()]
    )


class WorkerLost(Exception):
    """What a job's error list names when its worker stopped mid-job."""
