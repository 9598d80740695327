"""`masthead check`: what is misconfigured before going live (Django's system checks).

Registered as deployment checks, so they run with `masthead check` (which always
checks for deployment, see the command) beside Django's own security checks, and never
slow down or block `migrate` and the development server. Errors make the command fail;
warnings are printed and let it pass.
"""

from __future__ import annotations

import ipaddress
import uuid

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from masthead.ops import probes

TAG = "masthead"
DEFAULT_SECRET_PREFIX = "insecure-"  # noqa: S105 - the default key settings.py gives
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


@register(TAG, Tags.security, deploy=True)
def check_security(app_configs=None, **kwargs):
    found = []
    key = settings.SECRET_KEY
    if key.startswith(DEFAULT_SECRET_PREFIX) or len(key) < 50 or len(set(key)) < 5:
        found.append(
            Error(
                "SECRET_KEY is the development default or too short.",
                hint="Set SECRET_KEY to 50+ random characters, e.g. from "
                "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`.",
                id="masthead.E001",
            )
        )
    if settings.DEBUG:
        found.append(
            Error(
                "DEBUG is on: error pages show settings and code to anyone.",
                hint="Unset MASTHEAD_DEBUG.",
                id="masthead.E002",
            )
        )
    hosts = set(settings.ALLOWED_HOSTS)
    if not hosts or "*" in hosts:
        found.append(
            Error(
                "ALLOWED_HOSTS is empty or '*'.",
                hint="Set ALLOWED_HOSTS to the site's host names, comma-separated.",
                id="masthead.E003",
            )
        )
    elif hosts <= LOOPBACK_HOSTS:
        found.append(
            Warning(
                "ALLOWED_HOSTS holds only loopback names: the site answers no public name.",
                hint="Set ALLOWED_HOSTS to the site's host names.",
                id="masthead.W003",
            )
        )
    found += _proxy_findings()
    if not settings.MASTHEAD_BASE_URL.startswith("https://"):
        found.append(
            Warning(
                f"MASTHEAD_BASE_URL is {settings.MASTHEAD_BASE_URL}: links in e-mails, feeds, "
                "sitemaps and citation tags are built on it.",
                hint="Set MASTHEAD_BASE_URL to the public https:// address.",
                id="masthead.W004",
            )
        )
    return found


def _proxy_findings():
    proxies = settings.MASTHEAD_TRUSTED_PROXIES
    bad = []
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy.strip(), strict=False)
        except ValueError:
            bad.append(proxy)
    if bad:
        return [
            Error(
                f"MASTHEAD_TRUSTED_PROXIES holds what is not an address or network: {bad}.",
                id="masthead.E005",
            )
        ]
    if not proxies:
        return [
            Warning(
                "No trusted proxy: behind a reverse proxy, every reader has the proxy's "
                "address, so campus (IP) access and COUNTER sessions go wrong.",
                hint="Set MASTHEAD_TRUSTED_PROXIES to the proxy's addresses.",
                id="masthead.W005",
            )
        ]
    return []


@register(TAG, Tags.database, deploy=True)
def check_services(app_configs=None, **kwargs):
    found = []
    db = probes.database()
    if not db.ok:
        found.append(Error(f"The database does not answer: {db.detail}", id="masthead.E010"))
    elif db.detail == "sqlite":
        found.append(
            Warning(
                "The database is SQLite: one host, one writer at a time.",
                hint="Set DATABASE_URL to PostgreSQL for production.",
                id="masthead.W010",
            )
        )
    cache = probes.cache_roundtrip()
    if not cache.ok:
        found.append(Error(f"The cache does not answer: {cache.detail}", id="masthead.E011"))
    elif "LocMem" in cache.detail:
        found.append(
            Warning(
                "The cache is per process: rate limits and cached pages are not shared "
                "between web processes.",
                hint="Set REDIS_URL.",
                id="masthead.W011",
            )
        )
    if db.ok:
        workers = probes.workers()
        if not workers.ok:
            found.append(
                Warning(
                    f"Background workers: {workers.detail}.",
                    hint="Start the workers (README, Deploying): usage counts, PDFs, "
                    "citations, recommendations and alerts wait for them.",
                    id="masthead.W012",
                )
            )
    return found


@register(TAG, deploy=True)
def check_mail_and_storage(app_configs=None, **kwargs):
    found = []
    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    if backend in {"console", "locmem", "dummy", "filebased"}:
        found.append(
            Warning(
                f"E-mail goes to the {backend} backend: password resets, receipts and "
                "alerts never reach readers.",
                hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and "
                "EMAIL_HOST/EMAIL_PORT/EMAIL_HOST_USER/EMAIL_HOST_PASSWORD.",
                id="masthead.W020",
            )
        )
    name = f"masthead-check/{uuid.uuid4().hex}.txt"
    try:
        saved = default_storage.save(name, ContentFile(b"check"))
        default_storage.delete(saved)
    except Exception as error:  # any storage backend's failure
        found.append(
            Error(
                f"Files cannot be stored (PDFs, figures, imports): {error}",
                hint="Check MASTHEAD_HOME (media) is writable, or the storage settings.",
                id="masthead.E021",
            )
        )
    return found
