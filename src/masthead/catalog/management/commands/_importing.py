"""What import_jats and import_pubmed share: the progress bar and the closing summary."""

from collections.abc import Iterable

from django.core.management.base import BaseCommand
from tqdm import tqdm

from masthead.catalog.services import Importer, ImportSummary
from masthead.discovery import search_index
from masthead.jats.model import ArticleRecord, SourceError


def add_background_option(parser) -> None:
    parser.add_argument(
        "--background",
        action="store_true",
        help="queue the import as a job for `masthead worker` and return at once",
    )


def enqueue_import(command: BaseCommand, name: str, *args: str) -> None:
    """Queue `masthead <name> <args> --quiet` for the worker; say the job's id."""
    from masthead.jobs.services import enqueue_command

    job = enqueue_command(name, *args, "--quiet")
    command.stdout.write(f"queued job {job.id}")


def run_import(
    command: BaseCommand,
    importer: Importer,
    items: Iterable[ArticleRecord | SourceError],
    total: int | None,
    unit: str,
    quiet: bool = False,
) -> ImportSummary:
    summary = ImportSummary()
    # No bar when asked, or when nobody watches (stderr is not a terminal).
    disable = True if quiet else None
    with (
        tqdm(total=total, unit=unit, disable=disable, file=command.stderr._out, leave=False) as bar,
        search_index.batch(),
    ):  # the search index is written once, at the end
        importer.import_all(items, summary, progress=lambda _: bar.update(1))
    # Articles an earlier, interrupted run of this import wrote but never indexed (its
    # batch did not end) are "unchanged" now: index whatever is missing or stale.
    search_index.refresh()
    command.stdout.write(f"{summary}")
    for reason in summary.rejections:
        command.stdout.write(f"rejected: {reason}")
    return summary
