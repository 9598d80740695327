from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "masthead.commerce"
    verbose_name = "Sales"
