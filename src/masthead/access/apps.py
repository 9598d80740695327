from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "masthead.access"
    verbose_name = "Access"
