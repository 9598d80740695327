"""Probes of what the site depends on: the database, the cache, the background workers.

`/readyz` and `masthead check` ask the same probes, so an operator's check before going
live and the load balancer's check while live agree.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.cache import caches
from django.db import DatabaseError, connection
from django.utils import timezone

from masthead.ops.heartbeat import STALE_AFTER, latest_beat, stale_workers


@dataclass(frozen=True)
class Probe:
    name: str
    ok: bool
    detail: str


def database() -> Probe:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return Probe("database", False, f"{connection.vendor}: {error}".strip())
    return Probe("database", True, connection.vendor)


def cache_roundtrip() -> Probe:
    """Write and read back a value: a cache that is down fails quietly otherwise."""
    key, value = f"masthead:probe:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache = caches["default"]
    try:
        cache.set(key, value, timeout=10)
        ok = cache.get(key) == value
        cache.delete(key)
    except Exception as error:  # redis-py raises its own ConnectionError family
        return Probe("cache", False, f"{type(error).__name__}: {error}")
    backend = type(cache).__name__
    return Probe("cache", ok, backend if ok else f"{backend} did not give the value back")


def workers(now: dt.datetime | None = None) -> Probe:
    now = now or timezone.now()
    try:
        last = latest_beat()
        stale = stale_workers(now)
    except DatabaseError as error:
        return Probe("workers", False, f"cannot read heartbeats: {error}")
    if last is None:
        return Probe("workers", False, "no background worker has ever run")
    if now - last > STALE_AFTER:
        return Probe("workers", False, f"no worker heartbeat since {last:%Y-%m-%d %H:%M:%S}Z")
    if stale:
        return Probe("workers", False, "silent: " + ", ".join(sorted(stale)))
    return Probe("workers", True, f"last heartbeat {int((now - last).total_seconds())} s ago")


def readiness() -> list[Probe]:
    return [database(), cache_roundtrip(), workers()]
