"""`masthead build_related`: compute the Related Research lists (the background job)."""

import time

from django.core.management.base import BaseCommand

from masthead.ops.heartbeat import beat
from masthead.related.build import (
    full_rebuild_due,
    rebuild,
    refresh_people_also_read,
    update_due,
)

ALSO_READ_EVERY = 600  # seconds: new sessions reach People also read within ten minutes


class Command(BaseCommand):
    help = (
        "Build People also read and Recommended articles. Without options: the articles "
        "that are new or changed; --full: every article; --people-also-read: People also "
        "read alone, from the latest sessions; --loop N: every N seconds the new ones, "
        "People also read every ten minutes, and everything once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="rebuild every article")
        parser.add_argument(
            "--people-also-read", action="store_true", help="refresh People also read only"
        )
        parser.add_argument("--loop", type=float, metavar="SECONDS", help="run until stopped")

    def handle(self, *args, full, people_also_read, loop, **options):
        if people_also_read:
            self.stdout.write(f"People also read: {refresh_people_also_read()}")
            return
        also_read_at = time.monotonic()
        while True:
            everything = full or (loop is not None and full_rebuild_due())
            stats = rebuild() if everything else update_due()
            if stats.built or loop is None:
                kind = "Full rebuild" if everything else "New and changed"
                self.stdout.write(f"{kind}: {stats}")
            if loop is None:
                return
            if everything:
                also_read_at = time.monotonic()
            elif time.monotonic() - also_read_at >= ALSO_READ_EVERY:
                self.stdout.write(f"People also read: {refresh_people_also_read()}")
                also_read_at = time.monotonic()
            full = False
            beat("build_related")
            time.sleep(loop)
