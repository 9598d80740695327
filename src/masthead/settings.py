"""Masthead settings: everything a deployment changes comes from the environment."""

import os
import warnings
from pathlib import Path

import dj_database_url

# pysaml2 imports a cipher mode that cryptography has moved; it does not use it for us.
warnings.filterwarnings("ignore", message="CFB has been moved")

BASE_DIR = Path(__file__).resolve().parent
MASTHEAD_HOME = Path(os.environ.get("MASTHEAD_HOME", "var")).resolve()
MASTHEAD_HOME.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("MASTHEAD_DEBUG", "") == "1"
SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-development-key-change-me")  # noqa: S105
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
# Demo mode: documentation IP ranges (203.0.113.0/24) may be given to the demo institution.
MASTHEAD_DEMO = os.environ.get("MASTHEAD_DEMO", "") == "1"
MASTHEAD_TRUSTED_PROXIES = [
    p for p in os.environ.get("MASTHEAD_TRUSTED_PROXIES", "").split(",") if p.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "masthead.catalog",
    "masthead.commerce",
    "masthead.pdf",
    "masthead.access",
    "masthead.reader",
    "masthead.usage",
    "masthead.citations",
    "masthead.related",
    "masthead.discovery",
    "masthead.alerts",
    "masthead.library",
    "masthead.ops",
    "masthead.staff",
    "masthead.jobs",
]

MIDDLEWARE = [
    "masthead.ops.request_log.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "masthead.staff.context.AuditMiddleware",
    "masthead.commerce.middleware.CartBadgeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "masthead.urls"
WSGI_APPLICATION = "masthead.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "masthead.reader.context_processors.site",
            ],
        },
    }
]

_default_db = f"sqlite:///{MASTHEAD_HOME / 'masthead.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while an import writes; IMMEDIATE avoids lock upgrades. Every
    # page view writes a usage event, and the request whose write crosses the WAL's
    # auto-checkpoint pays for copying it back (seconds at p99 under load): the usage
    # worker checkpoints every pass instead, and 20,000 pages is only a safety net.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=20000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
# Keep connections: reopening one per request costs more than the page's queries.
DATABASES["default"]["CONN_MAX_AGE"] = 600
DATABASES["default"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["ENGINE"] != (
    "django.db.backends.sqlite3"
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    # Per process. Room for many small access boxes (one per campus) beside the pages.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 3000},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "access:login"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
# Who hears of librarians' change requests (comma-separated addresses).
MANAGERS = [
    ("Publisher", a.strip())
    for a in os.environ.get("MASTHEAD_MANAGERS", "").split(",")
    if a.strip()
]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Masthead <noreply@localhost>")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = MASTHEAD_HOME / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "masthead.static_storage.StaticStorage"},
}
MEDIA_ROOT = MASTHEAD_HOME / "media"
MEDIA_URL = "/media/"

# The public site's name and the address its links are built on.
MASTHEAD_SITE_NAME = os.environ.get("MASTHEAD_SITE_NAME", "Masthead Demo Press")
MASTHEAD_BASE_URL = os.environ.get("MASTHEAD_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# COUNTER: the platform's ID (the namespace of its proprietary identifiers) and its record
# in the COUNTER Registry, as the reports' headers give them.
MASTHEAD_PLATFORM_ID = os.environ.get("MASTHEAD_PLATFORM_ID", "masthead")
MASTHEAD_COUNTER_REGISTRY_RECORD = os.environ.get("MASTHEAD_COUNTER_REGISTRY_RECORD", "")
# OAI-PMH at /oai: the repository id in oai:<id>:<DOI> (a domain name; empty: the host of
# MASTHEAD_BASE_URL if it is one, else masthead.invalid), the adminEmail(s), records a page.
MASTHEAD_OAI_REPOSITORY_ID = os.environ.get("MASTHEAD_OAI_REPOSITORY_ID", "")
MASTHEAD_OAI_ADMIN_EMAIL = os.environ.get("MASTHEAD_OAI_ADMIN_EMAIL", "")
MASTHEAD_OAI_PAGE_SIZE = int(os.environ.get("MASTHEAD_OAI_PAGE_SIZE", "100"))

# Sales: "demo" (the built-in demo provider) or "stripe" (hosted Checkout).
MASTHEAD_PAYMENT_PROVIDER = os.environ.get("MASTHEAD_PAYMENT_PROVIDER", "demo")
MASTHEAD_DEMO_PAYMENT_SECRET = os.environ.get("MASTHEAD_DEMO_PAYMENT_SECRET", f"demo:{SECRET_KEY}")
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "https://api.stripe.com")

# Crossref: the REST API (metadata), the member services (deposit, cited-by) and the
# address Crossref's polite pool asks for. The member credentials are the publisher's,
# entered in the admin (Citations > Crossref members).
CROSSREF_API_BASE = os.environ.get("CROSSREF_API_BASE", "https://api.crossref.org")
CROSSREF_SERVICE_BASE = os.environ.get("CROSSREF_SERVICE_BASE", "https://doi.crossref.org")
CROSSREF_MAILTO = os.environ.get("CROSSREF_MAILTO", "")

# Who may read /metrics (Prometheus): addresses or networks, comma-separated.
MASTHEAD_METRICS_ALLOW = [
    n
    for n in os.environ.get("MASTHEAD_METRICS_ALLOW", "127.0.0.1/32,::1/128").split(",")
    if n.strip()
]

# Background jobs (masthead.jobs): Django's task API, kept in the database, run by
# `masthead worker`. A job whose worker stopped mid-job is taken again once its lease
# (renewed every second while it runs) has run out.
TASKS = {"default": {"BACKEND": "masthead.jobs.backend.DatabaseBackend"}}
MASTHEAD_JOB_LEASE_SECONDS = float(os.environ.get("MASTHEAD_JOB_LEASE_SECONDS", "120"))

# Logs: every line carries the request id (masthead.ops.request_log). "json" gives one JSON
# object per line, and one line per request, for a log collector; "text" is for people.
MASTHEAD_LOG_FORMAT = os.environ.get("MASTHEAD_LOG_FORMAT", "text")
if MASTHEAD_LOG_FORMAT not in {"text", "json"}:
    raise ValueError(f"MASTHEAD_LOG_FORMAT is 'text' or 'json', not {MASTHEAD_LOG_FORMAT!r}")
_log_level = os.environ.get("MASTHEAD_LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "masthead.ops.request_log.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "masthead.ops.request_log.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": MASTHEAD_LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": _log_level},
    "loggers": {
        "masthead.request": {"level": "INFO" if MASTHEAD_LOG_FORMAT == "json" else _log_level}
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

from masthead.access.saml_settings import *  # noqa: E402, F401, F403
from masthead.api.settings import *  # noqa: E402, F401, F403

INSTALLED_APPS += API_APPS  # noqa: F405
