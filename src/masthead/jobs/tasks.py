"""The jobs the worker runs: Masthead's own management commands, by name.

Every background job is one of the commands an operator can also run by hand (one way to
do each thing); the job keeps the end of what it printed, so the back office shows what it
did ("412 rendered, 0 failed") or why it failed.
"""

from __future__ import annotations

import io

from django.core.management import call_command
from django_tasks import task

from masthead.jobs.retry import tail

# The commands a job may run. Periodic ones are in schedule.py; the imports are enqueued by
# `import_jats --background` / `import_pubmed --background`.
COMMANDS = frozenset(
    {
        "process_usage",
        "render_pdfs",
        "refresh_citations",
        "build_related",
        "reconcile_orders",
        "send_alerts",
        "search_index",
        "import_jats",
        "import_pubmed",
        "prune_jobs",
    }
)


class JobFailed(Exception):
    """A job's command failed; the message is the end of what it printed."""


@task()
def run_command(name: str, *args: str) -> str:
    """Run `masthead <name> <args>` and return the end of its output."""
    if name not in COMMANDS:
        raise ValueError(f"{name!r} is not a job Masthead runs")
    out = io.StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=out)
    except Exception as error:  # keep what the command said before it failed
        printed = tail(out.getvalue()).strip()
        raise JobFailed(
            f"{type(error).__name__}: {error}" + (f"\n{printed}" if printed else "")
        ) from error
    return tail(out.getvalue())
