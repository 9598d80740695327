from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "masthead.library"
    label = "library"
    verbose_name = "Library portal"
    default_auto_field = "django.db.models.BigAutoField"
