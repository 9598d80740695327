"""Who is acting: the request being served, for the audit signals to ask.

`AuditMiddleware` puts a request that may change something (POST, PUT, PATCH, DELETE)
into a context variable for its duration; the signals record changes only while it is
set and its user is active staff. Commands, jobs and reader page views set nothing, so
they are never recorded, and a GET never loads the user for the audit's sake.
"""

from __future__ import annotations

from contextvars import ContextVar

_request: ContextVar = ContextVar("masthead_audit_request", default=None)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def acting_staff():
    """The active staff user of the request being served, else None."""
    request = _request.get()
    if request is None:
        return None
    user = getattr(request, "user", None)
    if user is None or not (user.is_authenticated and user.is_active and user.is_staff):
        return None
    return user


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in UNSAFE_METHODS:
            return self.get_response(request)
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
