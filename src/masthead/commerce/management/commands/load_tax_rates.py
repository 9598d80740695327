"""masthead load_tax_rates: bring the TaxRate table in line with the shipped rate file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.commerce.tax_rates import CSV_PATH, load_rates


class Command(BaseCommand):
    help = "Load tax rates from a CSV (default: the shipped table): add new rows, update changed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", type=Path, default=CSV_PATH, help="a CSV like the shipped one"
        )

    def handle(self, *args, file, **options):
        try:
            result = load_rates(path=file)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"created: {result.created}, updated: {result.updated}, unchanged: {result.unchanged}"
        )
