from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "masthead.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
