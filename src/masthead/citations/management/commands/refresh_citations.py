"""masthead refresh_citations: internal citations from the corpus, Crossref's cited-by
links for members who want them, and the results of pending DOI deposits."""

import logging

from django.core.management.base import BaseCommand

from masthead.citations.cited_by import crossref_client, refresh_cited_by
from masthead.citations.corpus import refresh_corpus
from masthead.citations.crossref import CrossrefError
from masthead.citations.deposit import check_results

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Refresh who cites our articles (corpus and Crossref) and check deposit results."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="re-match even if unchanged")
        parser.add_argument("--no-crossref", action="store_true", help="only our own corpus")

    def handle(self, *args, force, no_crossref, **options):
        corpus = refresh_corpus(force=force)
        if corpus.skipped:
            self.stdout.write("corpus: unchanged since the last run")
        else:
            self.stdout.write(
                f"corpus: {corpus.references} references of {corpus.articles} articles, "
                f"{corpus.matched} cite a hosted article; {corpus.added} citations added, "
                f"{corpus.removed} removed"
            )
        if not no_crossref:
            self._crossref()

    def _crossref(self) -> None:
        client = crossref_client()
        cited = refresh_cited_by(client)
        self.stdout.write(
            f"crossref: {cited.queries} queries, {cited.links} links, {cited.added} new citations"
        )
        for error in cited.errors:
            self.stderr.write(f"crossref: {error}")
        try:
            for batch in check_results(client):
                self.stdout.write(f"deposit {batch.batch_id}: {batch.message}")
        except CrossrefError as error:
            log.warning("Crossref deposit results: %s", error)
            self.stderr.write(f"deposit results: {error}")
