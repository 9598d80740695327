from django.apps import AppConfig


class ReaderConfig(AppConfig):
    name = "masthead.reader"
    verbose_name = "Public pages"
