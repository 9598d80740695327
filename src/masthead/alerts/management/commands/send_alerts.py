"""`masthead send_alerts`: e-mail readers about new issues and new citations they follow."""

from django.core.management.base import BaseCommand

from masthead.alerts.services import send_alerts


class Command(BaseCommand):
    help = (
        "Send new-issue and citation alerts that are due. The first run records the issues "
        "already out and mails nothing. Safe to rerun: what was sent is not sent again."
    )

    def handle(self, *args, **options):
        self.say(send_alerts())

    def say(self, report) -> None:
        """What the run did."""
        if report.baseline:
            self.stdout.write(
                f"first run: {report.baseline} issues already out recorded, none mailed"
            )
        self.stdout.write(
            f"{report.issues_out} issues newly out, {report.planned} deliveries planned, "
            f"{report.sent} e-mails sent, {report.failed} refused (retried later), "
            f"{report.dropped} no longer due"
        )
