from django.apps import AppConfig


class UsageConfig(AppConfig):
    name = "masthead.usage"
    default_auto_field = "django.db.models.BigAutoField"
