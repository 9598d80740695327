from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from masthead.catalog.demo import pubmed_baseline
from masthead.catalog.demo.press import (
    DEMO_PREFIX,
    demo_journal,
    load_jats_directory,
    load_seed_article,
)
from masthead.catalog.demo.university import CAMPUS_RANGE, demo_reader, demo_university
from masthead.catalog.management.commands._importing import run_import
from masthead.catalog.models import Article, Publisher
from masthead.catalog.services import Importer, ImportSummary
from masthead.citations.corpus import refresh_corpus
from masthead.jats.pubmed import iter_pubmed_file
from masthead.reader.lookup import find_article
from masthead.related.build import rebuild
from masthead.usage import processing
from masthead.usage.demo import demo_sushi_credentials, load_demo_usage

DEFAULT_SHARED = Path(settings.BASE_DIR).parents[1].parent / "shared"


class Command(BaseCommand):
    help = "Load the demo press: the seed article, eLife full texts and a PubMed back catalogue."

    def add_arguments(self, parser):
        parser.add_argument(
            "--shared",
            type=Path,
            default=DEFAULT_SHARED,
            help="folder holding data/jats/elife (skipped when absent)",
        )
        parser.add_argument(
            "--no-pubmed", action="store_true", help="skip the PubMed back catalogue"
        )
        parser.add_argument(
            "--pubmed-limit", type=int, default=0, help="import at most N PubMed records (0: all)"
        )
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, shared, no_pubmed, pubmed_limit, quiet, **options):
        journal = demo_journal()
        summary = ImportSummary()
        load_seed_article(journal, summary)
        self.stdout.write(f"seed article: {summary}")
        university = demo_university(journal)
        demo_reader()
        self.stdout.write(f"{university}: campus {CAMPUS_RANGE}, licence to {journal.title}")

        elife = shared / "data" / "jats" / "elife"
        if elife.is_dir():
            summary = ImportSummary()
            load_jats_directory(elife, summary)
            self.stdout.write(f"eLife full texts: {summary}")
            for reason in summary.rejections:
                self.stdout.write(f"rejected: {reason}")
        else:
            self.stdout.write(f"eLife full texts: skipped ({elife} not found)")

        self.load_usage(university)
        if not no_pubmed:
            self.load_pubmed(pubmed_limit, quiet)
        corpus = refresh_corpus()
        self.stdout.write(
            f"citations: {corpus.matched} references cite articles hosted here ({corpus.added} new)"
            if not corpus.skipped
            else "citations: unchanged"
        )
        self.stdout.write(f"related research: {rebuild()}")

    def load_pubmed(self, pubmed_limit: int, quiet: bool) -> None:
        baseline = pubmed_baseline.fetch(Path(settings.MASTHEAD_HOME) / "cache")
        self.stdout.write(f"PubMed back catalogue from {baseline.name}:")
        publisher, _ = Publisher.objects.get_or_create(name="PubMed back catalogue")
        importer = Importer(publisher=publisher, mint_doi_prefix=DEMO_PREFIX)
        records = iter_pubmed_file(baseline)
        if pubmed_limit:
            records = (r for _, r in zip(range(pubmed_limit), records, strict=False))
        from masthead.discovery.search_index import batch

        with batch():  # site search indexes the 20,000 records in chunks, after the import
            run_import(self, importer, records, pubmed_limit or None, "record", quiet)

    def load_usage(self, university) -> None:
        """A year of usage of the demo's full-text articles, processed like any other."""
        dois = Article.objects.filter(is_published=True, source_format="jats")
        refs = [find_article(doi) for doi in dois.order_by("pk").values_list("doi", flat=True)]
        written = load_demo_usage(refs[:300], university.pk, timezone.now().date())
        days = processing.process_pending()
        demo_sushi_credentials(university)
        self.stdout.write(
            f"usage: {written} demo events, {len(days)} days processed; "
            "SUSHI credentials for Demo University and The World (README)"
        )
