"""`masthead process_usage`: roll raw usage events up into COUNTER daily counts."""

import datetime as dt
from contextlib import suppress

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection
from django.utils import timezone

from masthead.usage import live, processing


def _month(value: str) -> str:
    try:
        processing.month_days(value)
    except ValueError as error:
        raise CommandError(f"--reprocess wants a month as YYYY-MM, got {value!r}") from error
    return value


class Command(BaseCommand):
    help = (
        "Process the closed UTC days not yet processed; --reprocess a month or --day a day "
        "again after a change of rules or of the robots list (COUNTER 7.11)."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--reprocess", metavar="YYYY-MM", type=_month, help="a whole month")
        which.add_argument("--day", metavar="YYYY-MM-DD", type=dt.date.fromisoformat)

    def handle(self, *args, reprocess, day, **options):
        if reprocess:
            self._report(processing.reprocess_month(reprocess))
        elif day:
            self._report([processing.process_day(day)])
        else:
            self._report(self._pending())

    def _pending(self):
        """Closed days into rollups, then the open day's new events into the Views count."""
        now = timezone.now()
        results = [processing.process_day(d, now) for d in processing.pending_days(now)]
        processing.mark_quiet_days(now)
        live.fold(now)
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            # The web processes leave WAL checkpoints to this worker (settings.py); one that
            # cannot run now runs on the next pass.
            with suppress(OperationalError), connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        return results

    def _report(self, results):
        for r in results:
            state = "" if r.final else " (open day: provisional)"
            self.stdout.write(
                f"{r.day}: {r.events:,} events ({r.robots:,} robots) -> {r.rows:,} rows "
                f"in {r.seconds:.2f} s, {r.events / max(r.seconds, 1e-9):,.0f} events/s{state}"
            )
        events = sum(r.events for r in results)
        seconds = sum(r.seconds for r in results)
        self.stdout.write(
            f"{len(results)} day(s), {events:,} events in {seconds:.2f} s"
            + (f", {events / seconds:,.0f} events/s" if seconds else "")
        )
