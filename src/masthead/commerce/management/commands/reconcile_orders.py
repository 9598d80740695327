"""masthead reconcile_orders: paid orders without grants get them; pending orders the
payment provider reports paid (a notification lost or late) are fulfilled."""

import time

from django.core.management.base import BaseCommand

from masthead.commerce.services import reconcile
from masthead.ops.heartbeat import beat


class Command(BaseCommand):
    help = "Compare orders with payments and grants, and repair what a lost notice left."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, help="repeat every N seconds")

    def handle(self, *args, loop, **options):
        while True:
            result = reconcile()
            self.stdout.write(
                f"fulfilled late: {result.fulfilled_late}, grants repaired: "
                f"{result.grants_repaired}, still pending: {result.still_pending}"
            )
            if not loop:
                return
            beat("reconcile_orders")
            time.sleep(loop)
