"""A Django task backend that keeps jobs in the database (models.Job).

Enqueueing is an INSERT in the caller's transaction: a job enqueued by a change that rolls
back never runs, and one enqueued by a change that commits is never lost. `masthead worker`
runs them (worker.py).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResult, TaskResultStatus
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import TaskError
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks.utils import get_random_id, normalize_json

from masthead.jobs.models import Job

DEFAULT_MAX_ATTEMPTS = 3


class DatabaseBackend(BaseTaskBackend):
    supports_defer = True
    supports_get_result = True
    supports_priority = True

    def enqueue(self, task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        now = timezone.now()
        job = Job.objects.create(
            id=get_random_id(),
            task_path=task.module_path,
            args=normalize_json(list(args)),
            kwargs=normalize_json(dict(kwargs)),
            queue_name=task.queue_name,
            priority=task.priority,
            enqueued_at=now,
            run_after=task.run_after or now,
            max_attempts=self.options.get("MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS),
        )
        return result_of(job, task)

    def get_result(self, result_id: str) -> TaskResult:
        job = Job.objects.filter(pk=result_id).first()
        if job is None:
            raise TaskResultDoesNotExist(result_id)
        return result_of(job)


def task_of(job: Job):
    """The Task object a job row names."""
    return import_string(job.task_path)


def result_of(job: Job, task=None) -> TaskResult:
    result = TaskResult(
        task=task or task_of(job),
        id=job.id,
        status=TaskResultStatus(job.status),
        enqueued_at=job.enqueued_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        last_attempted_at=job.last_attempted_at,
        args=job.args,
        kwargs=job.kwargs,
        backend="default",
        errors=[TaskError(**e) for e in job.errors],
        worker_ids=list(job.worker_ids),
    )
    object.__setattr__(result, "_return_value", job.return_value)
    return result
