"""A request id on every request and every log line, and logs as JSON lines.

The id comes from the reverse proxy's `X-Request-ID` when the request came through a
trusted proxy (so the proxy's log and ours share it), else a new one; it goes back in
the response's `X-Request-ID`, and every log record made while the request runs carries
it. With MASTHEAD_LOG_FORMAT=json each record is one JSON object per line, for a log
collector; each request is logged once on `masthead.request` (method, path, status,
duration).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid

from django.conf import settings

from masthead.access.client_ip import is_trusted_proxy
from masthead.ops.metrics import observe_request

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
log = logging.getLogger("masthead.request")


def incoming_id(headers, peer: str) -> str:
    given = headers.get("X-Request-ID", "")
    trusted = settings.MASTHEAD_TRUSTED_PROXIES
    if given and ACCEPTED_ID.match(given) and is_trusted_proxy(peer, trusted):
        return given
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = incoming_id(request.headers, request.META.get("REMOTE_ADDR", ""))
        token = request_id.set(rid)
        request.request_id = rid
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            seconds = time.perf_counter() - started
            observe_request(request, response.status_code, seconds)
            log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1),
                },
            )
            return response
        finally:
            request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (`-` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


FIELDS = ("method", "path", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    converter = time.gmtime

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        entry |= {name: getattr(record, name) for name in FIELDS if hasattr(record, name)}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
