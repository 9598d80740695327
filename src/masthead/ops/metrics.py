"""Metrics for Prometheus at /metrics: request latency, the jobs' backlogs, worker heartbeats.

Request latency is a histogram observed by the request-id middleware, per route (the URL
pattern's name, never the raw path: a DOI per label would explode the series), method and
status class. Under `masthead serve`, gunicorn's workers share it through
prometheus_client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR, set and emptied by
`serve`), so a scrape sees every worker's requests. Backlogs and heartbeats are read from
the database when scraped, so they are the same whichever process answers.
"""

from __future__ import annotations

import os

from django.utils import timezone
from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

REQUEST_SECONDS = Histogram(
    "masthead_http_request_duration_seconds",
    "Time to answer a request, by route, method and status class.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def observe_request(request, status: int, seconds: float) -> None:
    match = getattr(request, "resolver_match", None)
    route = match.view_name if match is not None else "unmatched"
    REQUEST_SECONDS.labels(route, request.method, f"{status // 100}xx").observe(seconds)


class BacklogCollector:
    """What the background jobs still have to do, and when each worker last beat."""

    def collect(self):
        from masthead.alerts.services import due_count as alerts_due
        from masthead.ops.models import WorkerHeartbeat
        from masthead.pdf.services import due_count as pdfs_due
        from masthead.related.build import due_ids
        from masthead.usage import live
        from masthead.usage.processing import pending_days

        jobs = GaugeMetricFamily(
            "masthead_job_backlog", "Items a background job has still to do.", labels=["job"]
        )
        jobs.add_metric(["render_pdfs"], pdfs_due())
        jobs.add_metric(["build_related"], len(due_ids()))
        jobs.add_metric(["send_alerts"], alerts_due())
        jobs.add_metric(["process_usage_days"], len(pending_days()))
        yield jobs
        yield _job_queue()
        yield GaugeMetricFamily(
            "masthead_usage_events_backlog",
            "Usage events not yet counted in the Views numbers.",
            value=live.backlog(),
        )
        beats = GaugeMetricFamily(
            "masthead_worker_heartbeat_age_seconds",
            "Seconds since each worker last said it was alive.",
            labels=["worker"],
        )
        now = timezone.now()
        for name, beat_at in WorkerHeartbeat.objects.values_list("name", "beat_at"):
            beats.add_metric([name], (now - beat_at).total_seconds())
        yield beats


def _job_queue() -> GaugeMetricFamily:
    from masthead.jobs.metrics import queue_depth

    depth = GaugeMetricFamily(
        "masthead_job_queue_depth",
        "Background jobs by state: due and waiting, running, failed in the last hour.",
        labels=["state"],
    )
    for state, count in queue_depth().items():
        depth.add_metric([state], count)
    return depth


def exposition() -> bytes:
    """The text a scrape gets: every process's request metrics, and the backlogs."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(BacklogCollector())
    return generate_latest(registry)


class _ThisProcess:
    """The request histogram of this process alone (development server, tests)."""

    def collect(self):
        yield from REQUEST_SECONDS.collect()
