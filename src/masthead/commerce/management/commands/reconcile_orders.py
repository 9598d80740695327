"""masthead reconcile_orders: paid orders without grants get them; pending orders the
payment provider reports paid (a notification lost or late) are fulfilled."""

from django.core.management.base import BaseCommand

from masthead.commerce.services import reconcile


class Command(BaseCommand):
    help = "Compare orders with payments and grants, and repair what a lost notice left."

    def handle(self, *args, **options):
        result = reconcile()
        self.stdout.write(
            f"fulfilled late: {result.fulfilled_late}, grants repaired: "
            f"{result.grants_repaired}, still pending: {result.still_pending}"
        )
