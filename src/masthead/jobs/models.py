"""The job queue: one row per job run through Django's task API (masthead.jobs.backend).

A worker claims a READY job whose time has come, or a RUNNING job whose lease ran out (its
worker stopped mid-job), by a compare-and-set on (status, attempts): two workers never run
the same attempt. While a job runs, its worker keeps renewing the lease.
"""

from django.db import models
from django_tasks import TaskResultStatus


class Job(models.Model):
    id = models.CharField(max_length=32, primary_key=True)
    task_path = models.CharField(max_length=200, help_text="The task's dotted path.")
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    queue_name = models.CharField(max_length=32, default="default")
    priority = models.SmallIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=TaskResultStatus.choices, default=TaskResultStatus.READY
    )
    enqueued_at = models.DateTimeField()
    run_after = models.DateTimeField(help_text="Not started before this time.")
    started_at = models.DateTimeField(null=True, blank=True)
    last_attempted_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    worker_id = models.CharField(max_length=100, blank=True)
    worker_ids = models.JSONField(default=list, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    errors = models.JSONField(
        default=list, blank=True, help_text="One {exception_class_path, traceback} per failure."
    )
    output = models.TextField(blank=True, help_text="The end of what the job printed.")
    return_value = models.JSONField(null=True, blank=True)
    schedule_key = models.CharField(
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        help_text="Periodic jobs: name@slot, so that two workers never enqueue one slot twice.",
    )

    class Meta:
        ordering = ["-enqueued_at"]
        indexes = [
            models.Index(fields=["status", "run_after"]),
            models.Index(fields=["task_path", "status"]),
        ]
        permissions = [("retry_job", "Can retry a failed job")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def name(self) -> str:
        """What the job does, as staff read it: `import_pubmed baseline.xml`."""
        if self.task_path.endswith(".run_command") and self.args:
            return " ".join(str(a) for a in self.args)
        return self.task_path.rsplit(".", 1)[-1]

    @property
    def last_error(self) -> str:
        return self.errors[-1]["traceback"] if self.errors else ""
