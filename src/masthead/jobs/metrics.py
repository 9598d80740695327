"""How many jobs wait, run and failed: what /metrics and the back office show."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django_tasks import TaskResultStatus as Status

from masthead.jobs.models import Job


def queue_depth(now: dt.datetime | None = None) -> dict[str, int]:
    """{"waiting": due READY jobs, "running": ..., "failed_last_hour": ...} in one query."""
    now = now or timezone.now()
    counts = Job.objects.aggregate(
        waiting=Count("pk", filter=Q(status=Status.READY, run_after__lte=now)),
        running=Count("pk", filter=Q(status=Status.RUNNING)),
        failed_last_hour=Count(
            "pk", filter=Q(status=Status.FAILED, finished_at__gte=now - dt.timedelta(hours=1))
        ),
    )
    return {state: counts[state] or 0 for state in ("waiting", "running", "failed_last_hour")}
