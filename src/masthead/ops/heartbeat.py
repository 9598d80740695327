"""Worker heartbeats: `masthead worker` says it is alive every 30 seconds."""

from __future__ import annotations

import datetime as dt
import os
import socket

from django.db import DatabaseError
from django.utils import timezone

from masthead.ops.models import WorkerHeartbeat

# A worker that has not beaten for this long is taken as stopped.
STALE_AFTER = dt.timedelta(minutes=10)


def beat(name: str, now: dt.datetime | None = None) -> None:
    """Record that worker `name` is alive. Never raises: a heartbeat must not stop a job."""
    try:
        WorkerHeartbeat.objects.update_or_create(
            name=name,
            defaults={
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "beat_at": now or timezone.now(),
            },
        )
    except DatabaseError:
        pass


def latest_beat() -> dt.datetime | None:
    """When any worker last beat, or None if none ever has."""
    row = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    return row


def stale_workers(now: dt.datetime | None = None) -> list[str]:
    """Workers that beat once and have been silent longer than STALE_AFTER."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    return list(WorkerHeartbeat.objects.filter(beat_at__lt=cutoff).values_list("name", flat=True))
