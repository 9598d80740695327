from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _sync_after_migrate(sender, **kwargs):
    """After `migrate`, once the last app's permissions exist, make the role groups."""
    last = [c for c in apps.get_app_configs() if c.models_module is not None][-1]
    if sender.label != last.label:
        return
    from masthead.staff.services import sync_roles

    sync_roles()


class StaffConfig(AppConfig):
    name = "masthead.staff"
    label = "staff"
    verbose_name = "Staff and audit"

    def ready(self):
        from masthead.staff import signals

        signals.connect()
        post_migrate.connect(_sync_after_migrate, dispatch_uid="staff-sync-roles")
