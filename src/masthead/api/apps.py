from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "masthead.api"
    label = "api"
    verbose_name = "REST API"
