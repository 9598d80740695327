"""`masthead send_alerts`: e-mail readers about new issues and new citations they follow."""

import logging
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from masthead.alerts.services import send_alerts
from masthead.ops.heartbeat import beat

log = logging.getLogger("masthead.alerts")


class Command(BaseCommand):
    help = (
        "Send new-issue and citation alerts that are due. The first run records the issues "
        "already out and mails nothing. Safe to rerun: what was sent is not sent again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=float, metavar="SECONDS", help="Run again every SECONDS (a worker)."
        )

    def handle(self, *args, loop=None, **options):
        while True:
            try:
                report = send_alerts()
            except Exception:  # a worker outlives a bad run (database busy, ...) and retries
                if not loop:
                    raise
                log.exception("send_alerts run failed; retrying in %s s", loop)
                close_old_connections()
            else:
                if loop:
                    beat("send_alerts")  # alive and working: the readiness probe reads it
                self.say(report, quiet=bool(loop))
            if not loop:
                return
            time.sleep(loop)

    def say(self, report, quiet: bool) -> None:
        """What the run did; a worker says nothing while nothing happens."""
        if quiet and not (report.baseline or report.planned or report.sent or report.failed):
            return
        if report.baseline:
            self.stdout.write(
                f"first run: {report.baseline} issues already out recorded, none mailed"
            )
        self.stdout.write(
            f"{report.issues_out} issues newly out, {report.planned} deliveries planned, "
            f"{report.sent} e-mails sent, {report.failed} refused (retried later), "
            f"{report.dropped} no longer due"
        )
