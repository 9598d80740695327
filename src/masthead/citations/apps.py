from django.apps import AppConfig


class CitationsConfig(AppConfig):
    name = "masthead.citations"
    label = "citations"
    verbose_name = "Citations and DOI registration"
    default_auto_field = "django.db.models.BigAutoField"
