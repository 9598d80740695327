"""Where a reader may be sent after logging in: same-site paths only (no open redirects)."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def same_site_path(request: HttpRequest, candidate: str | None, fallback: str) -> str:
    """`candidate` if it is a path on this site, else `fallback`.

    Only paths starting with exactly one "/": "//evil.com", "/\\evil.com", "@evil.com",
    "javascript:..." and absolute URLs (even to this host) fall back. Backslashes and
    control characters are refused too: browsers read "\\" as "/" and drop tabs and newlines.
    """
    if not candidate or not isinstance(candidate, str):
        return fallback
    if not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
        return fallback
    if "\\" in candidate or any(ord(c) < 32 or ord(c) == 127 for c in candidate):
        return fallback
    if not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return fallback
    return candidate
