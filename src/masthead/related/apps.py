from django.apps import AppConfig


class RelatedConfig(AppConfig):
    name = "masthead.related"
    label = "related"
    verbose_name = "Related research"
    default_auto_field = "django.db.models.BigAutoField"
