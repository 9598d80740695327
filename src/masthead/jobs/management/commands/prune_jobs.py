"""`masthead prune_jobs`: forget finished jobs (successful after 7 days, failed after 30)."""

from django.core.management.base import BaseCommand

from masthead.jobs.queue import prune


class Command(BaseCommand):
    help = "Delete finished jobs: successful ones older than 7 days, failed ones older than 30."

    def handle(self, *args, **options):
        self.stdout.write(f"{prune()} finished job(s) forgotten")
