"""`masthead build_related`: compute the Related Research lists (the background job)."""

from django.core.management.base import BaseCommand

from masthead.related.build import (
    full_rebuild_due,
    rebuild,
    refresh_people_also_read,
    update_due,
)


class Command(BaseCommand):
    help = (
        "Build People also read and Recommended articles. Without options: the articles "
        "that are new or changed; --full: every article; --people-also-read: People also "
        "read alone, from the latest sessions; --daily-full: the new and changed ones, or "
        "everything when the last full rebuild is a day old (what the worker runs)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="rebuild every article")
        parser.add_argument(
            "--people-also-read", action="store_true", help="refresh People also read only"
        )
        parser.add_argument(
            "--daily-full", action="store_true", help="everything, when a day has passed"
        )

    def handle(self, *args, full, people_also_read, daily_full, **options):
        if people_also_read:
            self.stdout.write(f"People also read: {refresh_people_also_read()}")
            return
        everything = full or (daily_full and full_rebuild_due())
        stats = rebuild() if everything else update_due()
        kind = "Full rebuild" if everything else "New and changed"
        self.stdout.write(f"{kind}: {stats}")
