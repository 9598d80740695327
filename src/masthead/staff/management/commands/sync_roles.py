from django.core.management.base import BaseCommand

from masthead.staff.roles import ROLES
from masthead.staff.services import sync_roles


class Command(BaseCommand):
    help = "Create or update the staff role groups from masthead/staff/roles.py (idempotent)."

    def handle(self, *args, **options):
        missing = sync_roles()
        for name in ROLES:
            self.stdout.write(f"{name}: synced")
            for permission in missing.get(name, []):
                self.stderr.write(f"  {name}: no permission {permission} exists; left out")
