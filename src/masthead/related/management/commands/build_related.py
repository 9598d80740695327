"""`masthead build_related`: compute the Related Research lists (the background job)."""

import time

from django.core.management.base import BaseCommand

from masthead.related.build import full_rebuild_due, rebuild, update_due


class Command(BaseCommand):
    help = (
        "Build People also read and Recommended articles. Without options: the articles "
        "that are new or changed; --full: every article; --loop N: every N seconds, the new "
        "ones, and everything once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="rebuild every article")
        parser.add_argument("--loop", type=float, metavar="SECONDS", help="run until stopped")

    def handle(self, *args, full, loop, **options):
        while True:
            everything = full or (loop is not None and full_rebuild_due())
            stats = rebuild() if everything else update_due()
            if stats.built or loop is None:
                self.stdout.write(
                    ("Full rebuild: " if everything else "New and changed: ") + str(stats)
                )
            if loop is None:
                return
            full = False
            time.sleep(loop)
