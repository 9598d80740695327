"""/metrics as a Prometheus server scrapes it: request latency per route, the jobs'
backlogs and the workers' heartbeats; every web process's requests in one answer."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from masthead.ops.heartbeat import beat
from masthead.ops.metrics import exposition
from masthead.usage.models import Event

pytestmark = pytest.mark.django_db


def scrape(client) -> dict[tuple, float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return samples(response.content.decode())


def samples(text: str) -> dict[tuple, float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


HEALTHZ = (
    "masthead_http_request_duration_seconds_count",
    (("method", "GET"), ("route", "ops:healthz"), ("status", "2xx")),
)


def test_requests_are_counted_per_route_not_per_url(client):
    before = scrape(client).get(HEALTHZ, 0)
    for _ in range(3):
        client.get("/healthz")
    client.get("/doi/abs/10.5555/no-such-article")
    after = scrape(client)
    assert after[HEALTHZ] == before + 3
    routes = {dict(labels).get("route") for (name, labels) in after}
    assert "reader:article" in routes
    assert not any(route and "10.5555" in route for route in routes)


def test_backlogs_and_heartbeats_are_read_from_the_database(client, make_article):
    make_article(body_html="<p>Full text without its PDF yet.</p>")
    Event.objects.create(
        occurred_at=timezone.now(),
        item_id=1,
        title_id=1,
        kind="investigation",
        access_type="Controlled",
    )
    beat("render_pdfs", now=timezone.now() - dt.timedelta(seconds=90))
    found = scrape(client)
    assert found[("masthead_job_backlog", (("job", "render_pdfs"),))] == 1
    assert found[("masthead_job_backlog", (("job", "build_related"),))] == 1
    assert found[("masthead_usage_events_backlog", ())] == 1
    age = found[("masthead_worker_heartbeat_age_seconds", (("worker", "render_pdfs"),))]
    assert 90 <= age < 600


def test_the_job_queue_is_in_the_scrape(client):
    from masthead.jobs.services import enqueue_command
    from masthead.jobs.worker import Worker

    enqueue_command("import_jats", "/nonexistent.xml", max_attempts=1)
    Worker().run_one()  # fails
    enqueue_command("reconcile_orders")
    enqueue_command("send_alerts")
    found = scrape(client)
    assert found[("masthead_job_queue_depth", (("state", "waiting"),))] == 2
    assert found[("masthead_job_queue_depth", (("state", "running"),))] == 0
    assert found[("masthead_job_queue_depth", (("state", "failed_last_hour"),))] == 1


def test_only_the_allowed_addresses_may_scrape(client, settings):
    settings.MASTHEAD_METRICS_ALLOW = ["10.0.0.0/8"]
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    # Through the reverse proxy, the reader's own address counts, not the proxy's.
    settings.MASTHEAD_TRUSTED_PROXIES = ["10.0.0.0/8"]
    relayed = client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert relayed.status_code == 404


OBSERVE = """
from masthead.ops.metrics import REQUEST_SECONDS
REQUEST_SECONDS.labels("reader:article", "GET", "2xx").observe(0.02)
"""


def test_every_web_process_is_in_one_scrape(tmp_path, monkeypatch):
    """gunicorn's workers are separate processes: each writes its own numbers, and the
    answer adds them up (prometheus_client's multiprocess mode, as `serve` sets it)."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", OBSERVE], env=env, check=True, timeout=60)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    found = samples(exposition().decode())
    key = (
        "masthead_http_request_duration_seconds_count",
        (("method", "GET"), ("route", "reader:article"), ("status", "2xx")),
    )
    assert found[key] == 2
