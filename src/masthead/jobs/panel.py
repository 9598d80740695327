"""What staff see of the jobs: the queue, the schedule's last runs, failures to retry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Q
from django.utils import timezone
from django_tasks import TaskResultStatus as Status

from masthead.jobs.metrics import queue_depth
from masthead.jobs.models import Job
from masthead.jobs.schedule import SCHEDULE, Periodic

FAILURES_SHOWN = 20


@dataclass(frozen=True)
class ScheduleRow:
    periodic: Periodic
    last_success: dt.datetime | None
    last_failure: dt.datetime | None

    @property
    def failing(self) -> bool:
        return self.last_failure is not None and (
            self.last_success is None or self.last_failure > self.last_success
        )


@dataclass(frozen=True)
class JobsPanel:
    depth: dict[str, int]
    failures: list[Job]
    running: list[Job]
    imports: list[Job]
    schedule: list[ScheduleRow]
    template_name: str = "jobs/_panel.html"


def schedule_rows() -> list[ScheduleRow]:
    """Each periodic job with when it last succeeded and last failed: one query, one row
    back, however many runs a week of ten-second slots leaves in the table."""
    outcomes = {"success": Status.SUCCESSFUL, "failure": Status.FAILED}
    last = Job.objects.filter(schedule_key__isnull=False).aggregate(
        **{
            f"{p.name}__{outcome}": Max(
                "finished_at", filter=Q(schedule_key__startswith=f"{p.name}@", status=status)
            )
            for p in SCHEDULE
            for outcome, status in outcomes.items()
        }
    )
    return [
        ScheduleRow(p, last[f"{p.name}__success"], last[f"{p.name}__failure"]) for p in SCHEDULE
    ]


def panel(now: dt.datetime | None = None, days: int = 7) -> JobsPanel:
    """The queue's state and the last `days` days' failures (those not retried since)."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=days)
    failures = list(
        Job.objects.filter(status=Status.FAILED, finished_at__gte=since).order_by("-finished_at")[
            :FAILURES_SHOWN
        ]
    )
    running = list(Job.objects.filter(status=Status.RUNNING).order_by("last_attempted_at"))
    imports = list(
        Job.objects.filter(
            Q(args__0="import_jats") | Q(args__0="import_pubmed"), enqueued_at__gte=since
        ).order_by("-enqueued_at")[:10]
    )
    return JobsPanel(queue_depth(now), failures, running, imports, schedule_rows())
