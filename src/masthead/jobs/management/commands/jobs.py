"""`masthead jobs`: what the background jobs are doing, and retrying a failed one."""

import json

from django.core.management.base import BaseCommand, CommandError

from masthead.jobs.models import Job
from masthead.jobs.queue import retry_now


class Command(BaseCommand):
    help = "List recent jobs (newest first), or --retry a failed one."

    def add_arguments(self, parser):
        parser.add_argument("--status", choices=["READY", "RUNNING", "SUCCESSFUL", "FAILED"])
        parser.add_argument("--limit", type=int, default=50)
        parser.add_argument("--json", action="store_true", dest="as_json", help="for programs")
        parser.add_argument("--retry", metavar="JOB_ID", help="run a FAILED job again")

    def handle(self, *args, status, limit, as_json, retry, **options):
        if retry:
            if not retry_now(retry):
                raise CommandError(f"{retry}: no failed job with that id")
            self.stdout.write(f"job {retry} queued again")
            return
        jobs = Job.objects.all()
        if status:
            jobs = jobs.filter(status=status)
        rows = [_row(job) for job in jobs[:limit]]
        if as_json:
            self.stdout.write(json.dumps(rows, indent=1))
            return
        for r in rows:
            self.stdout.write(
                f"{r['id']}  {r['status']:<10}  {r['attempts']}/{r['max_attempts']}  "
                f"{r['enqueued_at']}  {r['name']}"
            )


def _row(job: Job) -> dict:
    return {
        "id": job.id,
        "task": job.task_path,
        "name": job.name,
        "args": job.args,
        "status": job.status,
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "worker_id": job.worker_id,
        "enqueued_at": job.enqueued_at.isoformat(),
        "started_at": job.started_at and job.started_at.isoformat(),
        "finished_at": job.finished_at and job.finished_at.isoformat(),
        "error": job.last_error.strip().splitlines()[-1] if job.errors else "",
        "output": job.output,
    }
