"""`masthead worker`: the background worker (jobs and the periodic schedule)."""

from django.core.management.base import BaseCommand

from masthead.jobs.worker import Worker


class Command(BaseCommand):
    help = (
        "Run background jobs (imports, PDFs, usage processing, recommendations, citations, "
        "alerts) and the schedule of periodic jobs. Run as many as you like, on any hosts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--threads", type=int, default=2, help="jobs run at once")
        parser.add_argument(
            "--once", action="store_true", help="run the jobs due now, then exit (cron, tests)"
        )
        parser.add_argument(
            "--no-schedule", action="store_true", help="run queued jobs only, enqueue none"
        )

    def handle(self, *args, threads, once, no_schedule, **options):
        worker = Worker(threads=threads, schedule=not no_schedule, out=self.stdout)
        if not once:
            worker.run()
            return
        if not no_schedule:
            from masthead.jobs.services import enqueue_due

            enqueue_due()
        ran = 0
        while worker.run_one() is not None:
            ran += 1
        self.stdout.write(f"{ran} job(s) run")
