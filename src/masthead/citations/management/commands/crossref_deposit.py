"""masthead crossref_deposit: register new and changed DOIs with Crossref (schema 5.3.1)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.catalog.models import Article, Publisher, doi_key
from masthead.citations.cited_by import crossref_client
from masthead.citations.crossref import CrossrefError
from masthead.citations.deposit import (
    DepositError,
    check_results,
    deposit,
    due_articles,
    due_ids,
    members_publishers,
)


class Command(BaseCommand):
    help = (
        "Deposit the metadata of new and changed articles with Crossref, or write the "
        "deposit file with --output; --check fetches the results of earlier deposits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="every published article")
        parser.add_argument("--doi", action="append", default=[], help="only this DOI (repeat)")
        parser.add_argument("--journal", help="only this journal (its code)")
        parser.add_argument("--output", type=Path, help="write the XML here; submit nothing")
        parser.add_argument("--check", action="store_true", help="fetch pending results only")

    def handle(self, *args, output, check, **options):
        try:
            if check:
                for batch in check_results(crossref_client()):
                    self.stdout.write(f"{batch.batch_id}: {batch.message}")
                return
            wanted = {doi_key(d) for d in options["doi"]}
            within = Article.objects.all()
            if wanted:
                within = within.filter(doi_key__in=wanted)
            if options["journal"]:
                within = within.filter(journal__code=options["journal"])
            chosen = bool(wanted or options["journal"])
            # Without --output, only publishers with a Crossref account can deposit: the
            # others are named; asked for by DOI or journal, their articles are an error.
            publishers = None if output or chosen else members_publishers()
            every = options["all"] or bool(wanted)
            articles = due_articles(publishers, every, within if chosen else None)
            if publishers is not None:
                self._name_publishers_without_account()
            missing = wanted - {a.doi_key for a in articles}
            if missing:
                known = set(
                    Article.objects.filter(doi_key__in=missing).values_list("doi_key", flat=True)
                )
                raise CommandError(
                    "Not deposited: "
                    + ", ".join(
                        f"{d} ({'not published' if d in known else 'no such article'})"
                        for d in sorted(missing)
                    )
                )
            if not articles:
                whose = "" if publishers is None else " of the publishers with an account"
                self.stdout.write(
                    f"Nothing to deposit: Crossref has every article{whose} as it is."
                )
                return
            client = None if output else crossref_client()
            for outcome in deposit(articles, client=client, output=output):
                batch = outcome.batch
                self.stdout.write(
                    f"{batch.batch_id}: {outcome.articles} articles, {batch.get_status_display()}"
                    + (f" ({batch.message})" if batch.message else "")
                )
        except (DepositError, CrossrefError) as error:
            raise CommandError(str(error)) from error

    def _name_publishers_without_account(self) -> None:
        for publisher in Publisher.objects.exclude(pk__in=members_publishers()):
            waiting = len(due_ids([publisher]))
            if waiting:
                self.stdout.write(
                    f"{publisher.name}: {waiting} articles not deposited (no Crossref member "
                    "account; --output writes their file)"
                )
