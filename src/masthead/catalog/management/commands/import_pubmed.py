from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.catalog.management.commands._importing import (
    add_background_option,
    enqueue_import,
    run_import,
)
from masthead.catalog.models import Publisher
from masthead.catalog.services import Importer
from masthead.jats.model import SourceError
from masthead.jats.pubmed import iter_pubmed_file


class Command(BaseCommand):
    help = "Import a PubMed XML file (PubmedArticleSet, optionally .gz) as metadata-only articles."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--mint-doi-prefix",
            default="",
            help="give records without a DOI one under this prefix (e.g. 10.5555)",
        )
        parser.add_argument("--publisher", help="publisher name for journals created here")
        parser.add_argument("--limit", type=int, default=0, help="import at most N records")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        add_background_option(parser)

    def handle(self, *args, file, mint_doi_prefix, publisher, limit, quiet, background, **options):
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        if background:
            options = {"--mint-doi-prefix": mint_doi_prefix, "--publisher": publisher}
            options["--limit"] = str(limit) if limit else ""
            flags = [part for flag, value in options.items() if value for part in (flag, value)]
            enqueue_import(self, "import_pubmed", str(file.resolve()), *flags)
            return
        owner = Publisher.objects.get_or_create(name=publisher)[0] if publisher else None
        importer = Importer(publisher=owner, mint_doi_prefix=mint_doi_prefix)
        try:
            records = iter_pubmed_file(file)
            if limit:
                records = (r for _, r in zip(range(limit), records, strict=False))
            run_import(self, importer, records, limit or None, "record", quiet)
        except SourceError as error:
            raise CommandError(str(error)) from None
