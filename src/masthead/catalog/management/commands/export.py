from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.catalog.archive.export import export_archive
from masthead.catalog.models import Journal


class Command(BaseCommand):
    help = (
        "Write a content archive (.tar.gz): publishers, journals, issues, articles with "
        "contributors, references, JATS source, uploaded PDFs and asset files, with a "
        "manifest of SHA-256 checksums. Usage, sales and accounts are NOT included: back "
        "those up with the database (pg_dump)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="FILE.tar.gz to write")
        parser.add_argument("--journal", help="code of the one journal to export")

    def handle(self, *args, output: Path, journal: str | None, **options):
        selected = None
        if journal is not None:
            selected = Journal.objects.filter(code=journal).first()
            if selected is None:
                raise CommandError(f"no journal with code {journal!r}")
        if not output.parent.is_dir():
            raise CommandError(f"no folder {output.parent} to write the archive in")
        try:
            counts = export_archive(output, selected)
        except OSError as error:
            raise CommandError(f"export failed, no archive written: {error}") from None
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(f"wrote {output}: {summary}")
