"""Rate limits: per client, 429 with Retry-After, one count for every process.

Windows are aligned on the clock, so the tests use a day's window: a count cannot roll
over in the middle of a test (unless it runs across midnight UTC)."""

import json
import os
import subprocess
import sys
import uuid

import pytest

from masthead.api.throttling import Rate, parse_rate, window

pytestmark = pytest.mark.django_db
REDIS_URL = os.environ.get("MASTHEAD_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def test_beyond_the_limit_is_429_with_retry_after(api, settings, journal):
    settings.MASTHEAD_API_ANON_RATE = "3/day"
    statuses = [api.get("/api/v1/journals").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = api.get("/api/v1/journals/tj")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 86400  # when the window (a UTC day) ends
    assert "throttled" in refused.json()["detail"].lower()
    assert refused["Cache-Control"] == "no-store"


def test_each_address_has_its_own_count_behind_a_trusted_proxy(api, settings, journal):
    settings.MASTHEAD_API_ANON_RATE = "2/day"
    settings.MASTHEAD_TRUSTED_PROXIES = ["10.0.0.1"]
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    def get(forwarded: str) -> int:
        return api.get("/api/v1/journals", HTTP_X_FORWARDED_FOR=forwarded, **proxy).status_code

    assert [get("198.51.100.7") for _ in range(3)] == [200, 200, 429]
    assert get("198.51.100.8") == 200  # another reader behind the same proxy
    # A forged X-Forwarded-For from an untrusted address does not buy a new count.
    untrusted = {"REMOTE_ADDR": "192.0.2.9"}
    codes = [
        api.get("/api/v1/journals", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}", **untrusted).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]


def test_a_token_counts_per_user_with_its_own_limit(api, staff_api, settings, journal):
    settings.MASTHEAD_API_ANON_RATE = "1/day"
    settings.MASTHEAD_API_TOKEN_RATE = "3/day"
    assert api.get("/api/v1/journals").status_code == 200
    assert api.get("/api/v1/journals").status_code == 429
    assert [staff_api.get("/api/v1/journals").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_rates_from_settings():
    assert parse_rate("120/minute") == Rate(120, 60)
    assert parse_rate("5/d") == Rate(5, 86400)
    assert window(Rate(10, 60), 125.5) == (2, 54.5)
    with pytest.raises(Exception, match="not a rate"):
        parse_rate("many/minute")


# Another process, as a second web worker would be: the project's settings with Redis as
# the cache (REDIS_URL), asking for the OpenAPI description (which needs no database).
CHILD = """
import json, sys, django
from django.conf import settings
settings.CACHES["default"]["KEY_PREFIX"] = sys.argv[1]
django.setup()
from django.test import Client
client = Client(HTTP_HOST="localhost")
print(json.dumps([client.get("/api/v1/openapi.json").status_code for _ in range(4)]))
"""


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return connection


def test_processes_share_the_count_in_redis(api, settings, tmp_path):
    connection = _redis_or_skip()
    prefix = f"api-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.MASTHEAD_API_ANON_RATE = "5/day"
    try:
        ours = [api.get("/api/v1/openapi.json").status_code for _ in range(3)]
        assert ours == [200, 200, 200]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "masthead.settings",
            "REDIS_URL": REDIS_URL,
            "MASTHEAD_API_ANON_RATE": "5/day",
            "MASTHEAD_HOME": str(tmp_path),
            "ALLOWED_HOSTS": "localhost",
        }
        child = subprocess.run(
            [sys.executable, "-c", CHILD, prefix],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        # Both processes count for 127.0.0.1: the other process has two left, not five.
        assert json.loads(child.stdout.strip().splitlines()[-1]) == [200, 200, 429, 429]
        assert api.get("/api/v1/openapi.json").status_code == 429
    finally:
        keys = list(connection.scan_iter(f"{prefix}:*"))  # ours only
        if keys:
            connection.delete(*keys)
