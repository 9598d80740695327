from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "masthead.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from masthead.ops import checks  # noqa: F401  (registers the deployment checks)
