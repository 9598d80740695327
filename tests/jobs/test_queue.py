"""The job queue: jobs run once, failures retry then stop, a dead worker's job is taken again."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus as Status

from masthead.jobs import queue
from masthead.jobs.models import Job
from masthead.jobs.services import enqueue_command
from masthead.jobs.tasks import run_command
from masthead.jobs.worker import Worker

pytestmark = pytest.mark.django_db
LEASE = dt.timedelta(seconds=60)


def test_an_enqueued_command_runs_once_and_keeps_what_it_printed():
    result = run_command.enqueue("reconcile_orders")
    assert Job.objects.get(pk=result.id).status == Status.READY
    job = Worker().run_one()
    assert job.id == result.id and job.status == Status.SUCCESSFUL and job.attempts == 1
    assert "fulfilled late: 0" in job.output
    result.refresh()
    assert result.status == Status.SUCCESSFUL and "still pending: 0" in result.return_value
    assert Worker().run_one() is None  # nothing is run twice


def test_a_failing_job_is_retried_later_then_marked_failed_and_a_person_can_retry_it():
    job = enqueue_command("import_jats", "/nonexistent/article.xml", "--quiet")
    assert job.max_attempts == 3
    worker = Worker()
    first = worker.run_one()
    assert first.status == Status.READY and first.attempts == 1
    assert first.run_after >= timezone.now() + dt.timedelta(seconds=25)  # backs off
    assert first.errors[0]["exception_class_path"] == "masthead.jobs.tasks.JobFailed"
    assert "CommandError: no article was imported" in first.output
    assert worker.run_one() is None  # not before its time
    for _ in range(2):
        Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
        last = worker.run_one()
    assert last.status == Status.FAILED and last.attempts == 3 and len(last.errors) == 3
    assert "no such file" in last.output.lower() and "CommandError" in last.last_error

    assert queue.retry_now(job.pk)
    assert not queue.retry_now(job.pk)  # only a failed job is retried
    again = Job.objects.get(pk=job.pk)
    assert again.status == Status.READY and again.attempts == 0 and len(again.errors) == 3


def test_a_job_whose_worker_died_is_taken_again_once_its_lease_runs_out():
    job = enqueue_command("reconcile_orders")
    dead = queue.claim("dead-worker", LEASE)
    assert dead.pk == job.pk and dead.status == Status.RUNNING
    assert queue.claim("other", LEASE) is None  # leased: nobody else takes it

    later = timezone.now() + LEASE + dt.timedelta(seconds=1)
    taken = queue.claim("other", LEASE, now=later)
    assert (
        taken.pk == job.pk and taken.attempts == 2 and taken.worker_ids == ["dead-worker", "other"]
    )
    assert taken.errors[0]["exception_class_path"].endswith("WorkerLost")
    # The first worker comes back to life and reports: its result is not recorded.
    assert queue.finish(dead, "late", output="late") is False
    assert queue.finish(taken, "done", output="done") is True
    final = Job.objects.get(pk=job.pk)
    assert final.status == Status.SUCCESSFUL and final.output == "done"


def test_two_workers_claiming_at_once_get_different_jobs():
    first, second = enqueue_command("reconcile_orders"), enqueue_command("send_alerts")
    a, b = queue.claim("a", LEASE), queue.claim("b", LEASE)
    assert {a.pk, b.pk} == {first.pk, second.pk}
    assert queue.claim("c", LEASE) is None


def test_a_job_lost_on_its_last_attempt_is_failed_not_run_again():
    job = enqueue_command("reconcile_orders", max_attempts=1)
    queue.claim("dead-worker", LEASE)
    later = timezone.now() + LEASE * 2
    assert queue.claim("other", LEASE, now=later) is None
    lost = Job.objects.get(pk=job.pk)
    assert lost.status == Status.FAILED and "lease ran out" in lost.last_error


def test_leases_are_renewed_while_the_job_runs():
    enqueue_command("reconcile_orders")
    job = queue.claim("w", LEASE)
    soon = timezone.now() + LEASE - dt.timedelta(seconds=1)
    assert queue.renew("w", LEASE, now=soon) == 1
    assert queue.claim("other", LEASE, now=soon + dt.timedelta(seconds=5)) is None
    assert Job.objects.get(pk=job.pk).lease_until > soon + dt.timedelta(seconds=30)


def test_only_masthead_commands_of_the_list_run_as_jobs():
    job = enqueue_command("flush", "--noinput", max_attempts=1)
    ran = Worker().run_one()
    assert ran.pk == job.pk and ran.status == Status.FAILED
    assert "is not a job Masthead runs" in ran.last_error


def test_prune_forgets_old_successes_and_keeps_recent_failures():
    old, failed = enqueue_command("send_alerts"), enqueue_command("send_alerts")
    long_ago = timezone.now() - dt.timedelta(days=8)
    Job.objects.filter(pk=old.pk).update(status=Status.SUCCESSFUL, finished_at=long_ago)
    Job.objects.filter(pk=failed.pk).update(status=Status.FAILED, finished_at=long_ago)
    out = io.StringIO()
    call_command("prune_jobs", stdout=out)
    assert "1 finished job(s) forgotten" in out.getvalue()
    assert list(Job.objects.values_list("pk", flat=True)) == [failed.pk]
