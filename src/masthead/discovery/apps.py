from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "masthead.discovery"
    label = "discovery"
    verbose_name = "Discovery"

    def ready(self):
        from masthead.discovery import search_index

        search_index.connect()  # the search index follows imports and admin edits
