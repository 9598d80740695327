"""Liveness and readiness, as a load balancer asks them."""

import datetime as dt

import pytest
from django.utils import timezone

from masthead.ops.heartbeat import STALE_AFTER, beat
from masthead.ops.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_liveness_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_not_ready_until_a_worker_has_beaten(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["ok"] and checks["cache"]["ok"]
    assert checks["workers"] == {"ok": False, "detail": "no background worker has ever run"}
    beat("process_usage")
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["ready"] is True


def test_a_silent_worker_makes_the_site_not_ready(client):
    long_ago = timezone.now() - STALE_AFTER - dt.timedelta(minutes=1)
    beat("render_pdfs", now=long_ago)
    beat("process_usage")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["workers"]["detail"] == "silent: render_pdfs"


def test_a_cache_that_does_not_answer_makes_the_site_not_ready(client, settings):
    beat("process_usage")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # discard port: nothing listens
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    cache = response.json()["checks"]["cache"]
    assert cache["ok"] is False and "Error" in cache["detail"]


def test_staff_see_the_workers_and_may_retire_one(admin_client):
    beat("render_pdfs")
    page = admin_client.get("/admin/ops/workerheartbeat/")
    assert page.status_code == 200 and "render_pdfs" in page.content.decode()
    assert admin_client.get("/admin/ops/workerheartbeat/add/").status_code == 403
    response = admin_client.post("/admin/ops/workerheartbeat/render_pdfs/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not WorkerHeartbeat.objects.exists()
