"""The periodic schedule: each slot enqueued once, however many workers look, never piling up."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus as Status

from masthead.jobs.models import Job
from masthead.jobs.schedule import SCHEDULE, Periodic
from masthead.jobs.services import enqueue_due
from masthead.jobs.tasks import COMMANDS
from masthead.jobs.worker import Worker

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 6, 12, 0, 5, tzinfo=dt.UTC)


def test_every_periodic_job_is_a_command_jobs_may_run_and_names_are_unique():
    assert {p.command for p in SCHEDULE} <= COMMANDS
    assert len({p.name for p in SCHEDULE}) == len(SCHEDULE)


def test_each_slot_is_enqueued_once_however_many_workers_look():
    first = enqueue_due(NOW)
    # One run of a command at a time: build_related and refresh_citations have two.
    later = {"people_also_read", "crossref"}
    assert {j.schedule_key.split("@")[0] for j in first} == {p.name for p in SCHEDULE} - later
    assert enqueue_due(NOW) == []  # a second worker, same moment
    assert enqueue_due(NOW + dt.timedelta(seconds=3)) == []  # same slots, jobs still waiting
    assert Job.objects.filter(args=["process_usage"]).count() == 1


def test_a_slow_run_is_not_piled_up_and_the_next_slot_comes_after_it_finishes():
    usage = (Periodic("usage", dt.timedelta(seconds=10), "process_usage"),)
    [job] = enqueue_due(NOW, usage)
    assert enqueue_due(NOW + dt.timedelta(seconds=30), usage) == []  # still waiting
    Job.objects.filter(pk=job.pk).update(status=Status.SUCCESSFUL, finished_at=NOW)
    [following] = enqueue_due(NOW + dt.timedelta(seconds=30), usage)
    assert following.schedule_key != job.schedule_key and following.max_attempts == 2


def test_a_command_with_two_schedules_runs_one_at_a_time():
    citations = [p for p in SCHEDULE if p.command == "refresh_citations"]
    queued = enqueue_due(NOW, tuple(citations))
    assert len(queued) == 1
    Job.objects.filter(pk=queued[0].pk).update(status=Status.SUCCESSFUL, finished_at=NOW)
    assert len(enqueue_due(NOW, tuple(citations))) == 1  # the other one, now


def test_the_worker_runs_the_schedule_it_enqueued():
    schedule = (Periodic("orders", dt.timedelta(minutes=5), "reconcile_orders"),)
    enqueue_due(timezone.now(), schedule)
    job = Worker(schedule=False).run_one()
    assert job.status == Status.SUCCESSFUL and job.name == "reconcile_orders"
