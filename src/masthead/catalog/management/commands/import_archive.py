from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.catalog.archive.manifest import ArchiveError
from masthead.catalog.archive.restore import restore_archive


class Command(BaseCommand):
    help = (
        "Restore a content archive written by `masthead export` into an instance with no "
        "articles. Every member is checked against the manifest first; the restore is all "
        "or nothing. Usage, sales and accounts are not in the archive: restore those from "
        "the database backup (pg_restore)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="FILE.tar.gz written by `masthead export`")

    def handle(self, *args, archive: Path, **options):
        if not archive.is_file():
            raise CommandError(f"no file {archive}")
        try:
            counts = restore_archive(archive)
        except ArchiveError as error:
            raise CommandError(f"refused: {error}") from None
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(f"restored {archive}: {summary}")
