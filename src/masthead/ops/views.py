"""Liveness and readiness for load balancers and orchestrators."""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

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
