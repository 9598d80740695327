from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "masthead.catalog"
    verbose_name = "Content"
