"""`masthead check`: Django's checks, always with the deployment checks.

An operator runs it before going live and after each change of configuration; it fails
(exit status 1) on an error such as DEBUG on or the default secret key.
"""

from django.core.management.commands.check import Command as DjangoCheck


class Command(DjangoCheck):
    help = "Check the configuration for production (Django's and Masthead's deploy checks)."

    def handle(self, *app_labels, **options):
        options["deploy"] = True
        return super().handle(*app_labels, **options)
