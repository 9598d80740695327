"""Request ids tie a reader's complaint to the log lines of that request."""

import json
import logging

import pytest

from masthead.ops.request_log import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_fresh_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_the_proxys_id_is_kept_only_from_a_trusted_proxy(client, settings):
    settings.MASTHEAD_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client.get("/healthz", HTTP_X_REQUEST_ID="edge-42")["X-Request-ID"] == "edge-42"
    hostile = client.get("/healthz", HTTP_X_REQUEST_ID="a\nb<script>")["X-Request-ID"]
    assert hostile != "a\nb<script>" and len(hostile) == 32
    settings.MASTHEAD_TRUSTED_PROXIES = []
    assert client.get("/healthz", HTTP_X_REQUEST_ID="edge-42")["X-Request-ID"] != "edge-42"


def test_log_lines_made_during_a_request_carry_its_id_as_json(client, settings):
    settings.MASTHEAD_TRUSTED_PROXIES = ["127.0.0.1"]
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("masthead.request")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        client.get("/healthz", HTTP_X_REQUEST_ID="trace-7")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    entry = json.loads(records[-1])
    assert entry["request_id"] == "trace-7"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/healthz", 200)
    assert entry["time"].endswith("Z") and entry["duration_ms"] >= 0
