"""Settings of the REST API (`/api/v1/`), from the environment.

settings.py imports these with ``from masthead.api.settings import *`` and adds
``API_APPS`` to ``INSTALLED_APPS``.

- ``MASTHEAD_API_ANON_RATE``: requests an anonymous client (one address, an IPv6 /64)
  may make, as "<n>/<second|minute|hour|day>" (default 120/minute).
- ``MASTHEAD_API_TOKEN_RATE``: the same for a token's user (default 1200/minute).
- ``MASTHEAD_API_CACHE_SECONDS``: ``max-age`` of anonymous GET responses (default 60).

The counters live in Django's cache: Redis with ``REDIS_URL``, so that every web process
and host counts against the same limit.
"""

import os

__all__ = [
    "API_APPS",
    "MASTHEAD_API_ANON_RATE",
    "MASTHEAD_API_TOKEN_RATE",
    "MASTHEAD_API_CACHE_SECONDS",
    "REST_FRAMEWORK",
    "SPECTACULAR_SETTINGS",
]

API_APPS = ["rest_framework", "drf_spectacular", "masthead.api"]

MASTHEAD_API_ANON_RATE = os.environ.get("MASTHEAD_API_ANON_RATE", "120/minute")
MASTHEAD_API_TOKEN_RATE = os.environ.get("MASTHEAD_API_TOKEN_RATE", "1200/minute")
MASTHEAD_API_CACHE_SECONDS = int(os.environ.get("MASTHEAD_API_CACHE_SECONDS", "60"))

REST_FRAMEWORK = {
    # Tokens only: no session, so no cookie-borne write can reach the API.
    "DEFAULT_AUTHENTICATION_CLASSES": ["masthead.api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["masthead.api.permissions.ReadOnlyOrStaffWithPermission"],
    "DEFAULT_THROTTLE_CLASSES": ["masthead.api.throttling.ClientRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "masthead.api.pagination.IdCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "masthead.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "masthead.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "URL_FORMAT_OVERRIDE": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Masthead API",
    "DESCRIPTION": (
        "Journals, issues and article metadata of this platform, read-only for everyone; "
        "editorial changes and JATS imports for staff tokens "
        "(`Authorization: Token <key>`). Lists are cursor-paginated: follow `next` "
        "until it is null. Full text and PDFs are not served here: the `links` lead to "
        "the platform's pages, which apply the access rules."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "masthead.api.schema.add_error_responses",
    ],
}
