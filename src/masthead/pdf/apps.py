from django.apps import AppConfig


class PdfConfig(AppConfig):
    name = "masthead.pdf"
    label = "pdf"
    verbose_name = "Article PDFs"
    default_auto_field = "django.db.models.BigAutoField"
