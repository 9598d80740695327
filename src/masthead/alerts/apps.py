from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "masthead.alerts"
    label = "alerts"
    verbose_name = "E-mail alerts"
    default_auto_field = "django.db.models.BigAutoField"
