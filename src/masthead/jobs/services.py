"""Enqueue jobs, and the periodic schedule's part that touches the database."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus as Status

from masthead.jobs.models import Job
from masthead.jobs.schedule import SCHEDULE, Periodic
from masthead.jobs.tasks import run_command

RUN_COMMAND = run_command.module_path


def enqueue_command(
    name: str, *args: str, max_attempts: int | None = None, schedule_key: str | None = None
) -> Job:
    """Queue `masthead <name> <args>` for the worker; the job row is returned. The task API
    knows nothing of attempts or schedule slots, so they are set on the row it wrote."""
    result = run_command.enqueue(name, *args)
    extra = {"max_attempts": max_attempts, "schedule_key": schedule_key}
    extra = {field: value for field, value in extra.items() if value is not None}
    if extra:
        Job.objects.filter(pk=result.id).update(**extra)
    return Job.objects.get(pk=result.id)


def enqueue_due(now=None, schedule: tuple[Periodic, ...] = SCHEDULE) -> list[Job]:
    """Enqueue each periodic job whose slot has come and whose last run has finished."""
    now = now or timezone.now()
    busy = set(
        Job.objects.filter(
            task_path=RUN_COMMAND,
            schedule_key__isnull=False,
            status__in=[Status.READY, Status.RUNNING],
        ).values_list("schedule_key", flat=True)
    )
    # One run of a command at a time: two schedules of one command (citations and
    # crossref) never overlap either.
    by_name = {p.name: p.command for p in schedule}
    busy_commands = {by_name.get(key.split("@", 1)[0]) for key in busy}
    taken = set(
        Job.objects.filter(schedule_key__in=[p.slot_key(now) for p in schedule]).values_list(
            "schedule_key", flat=True
        )
    )
    queued = []
    for periodic in schedule:
        key = periodic.slot_key(now)
        if periodic.command in busy_commands or key in taken:
            continue
        try:
            with transaction.atomic():
                # Two attempts: a run lost with its worker, or failed on a passing
                # hiccup, runs again soon; the next slot waits for it.
                job = enqueue_command(
                    periodic.command, *periodic.args, max_attempts=2, schedule_key=key
                )
        except IntegrityError:
            continue  # another worker enqueued this slot first
        queued.append(job)
        busy_commands.add(periodic.command)
    return queued
