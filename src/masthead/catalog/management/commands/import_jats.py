from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.catalog.management.commands._importing import (
    add_background_option,
    enqueue_import,
    run_import,
)
from masthead.catalog.models import Journal
from masthead.catalog.services import Importer
from masthead.jats.files import iter_jats_files


class Command(BaseCommand):
    help = "Import JATS XML articles; re-importing an article updates it."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--journal", help="code of the journal to import into")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        add_background_option(parser)

    def handle(self, *args, files, journal, quiet, background, **options):
        if background:
            missing = [str(f) for f in files if not f.exists()]
            if missing:
                raise CommandError(f"no such file: {', '.join(missing)}")
            _journal(journal)
            flags = ["--journal", journal] if journal else []
            enqueue_import(self, "import_jats", *[str(f.resolve()) for f in files], *flags)
            return
        importer = Importer(journal=_journal(journal))
        summary = run_import(self, importer, iter_jats_files(files), len(files), "file", quiet)
        if summary.rejections and not (
            summary.counts["imported"] or summary.counts["updated"] or summary.counts["unchanged"]
        ):
            raise CommandError("no article was imported")


def _journal(code: str | None) -> Journal | None:
    if code is None:
        return None
    try:
        return Journal.objects.get(code=code)
    except Journal.DoesNotExist:
        raise CommandError(f"no journal with code {code!r}") from None
