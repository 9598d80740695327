"""`masthead search_index [--rebuild]`: bring the site search index up to date."""

from django.core.management.base import BaseCommand

from masthead.discovery import search_index


class Command(BaseCommand):
    help = (
        "Index for site search the articles changed since they were last indexed (or never "
        "indexed); with --rebuild, every article. Imports and admin edits index as they go: "
        "this catches up after changes made around them, and after an upgrade."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="index every article afresh")

    def handle(self, *args, rebuild: bool, **options):
        summary = search_index.rebuild() if rebuild else search_index.refresh()
        self.stdout.write(f"search index: {summary}")
