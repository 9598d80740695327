"""Liveness and readiness for load balancers and orchestrators."""

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST

from masthead.access.client_ip import in_networks
from masthead.access.services import request_ip
from masthead.ops.metrics import exposition
from masthead.ops.probes import readiness


@never_cache
def healthz(request):
    """Liveness: the process answers. Touches nothing else, so a slow database does not
    get healthy web processes restarted."""
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
def readyz(request):
    """Readiness: the database, the cache and the background workers all answer."""
    probes = readiness()
    ready = all(p.ok for p in probes)
    body = {"ready": ready, "checks": {p.name: {"ok": p.ok, "detail": p.detail} for p in probes}}
    return JsonResponse(body, status=200 if ready else 503)


@never_cache
def metrics(request):
    """For the Prometheus server only: other addresses get a plain 404 (the reader's
    address as the platform sees it, so a request relayed by the proxy is not let in)."""
    if not in_networks(request_ip(request), settings.MASTHEAD_METRICS_ALLOW):
        raise Http404("No such page")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
