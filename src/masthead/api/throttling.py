"""Rate limits per client, counted in Django's cache (Redis in production), so every web
process and host counts against the same limit.

A client is a token's user, else the address the platform sees (`request_ip`, which
honours MASTHEAD_TRUSTED_PROXIES; an IPv6 address counts as its /64). Windows are fixed
and aligned on the clock (a minute limit resets at each minute), each counter one atomic
increment; `Retry-After` says when the window ends.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from rest_framework.throttling import BaseThrottle

from masthead.access.accounts import Limit, count_attempt, counted_address
from masthead.access.services import request_ip

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    requests: int
    seconds: int


def parse_rate(text: str) -> Rate:
    """ "120/minute" -> Rate(120, 60); the period's first letter decides (s, m, h, d)."""
    try:
        number, period = text.strip().split("/")
        rate = Rate(int(number), PERIODS[period.strip()[:1].lower()])
    except (ValueError, KeyError):
        raise ImproperlyConfigured(f"not a rate: {text!r} (use e.g. 120/minute)") from None
    if rate.requests < 1:
        raise ImproperlyConfigured(f"not a rate: {text!r} (at least one request)")
    return rate


def window(rate: Rate, now: float) -> tuple[int, float]:
    """The number of the window holding `now`, and the seconds left in it."""
    number = int(now // rate.seconds)
    return number, (number + 1) * rate.seconds - now


class ClientRateThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            scope, client, text = "api-token", f"user:{user.pk}", settings.MASTHEAD_API_TOKEN_RATE
        else:
            scope = "api-anon"
            client = f"ip:{counted_address(request_ip(request._request))}"
            text = settings.MASTHEAD_API_ANON_RATE
        rate = parse_rate(text)
        number, self.left = window(rate, time.time())
        # The window's number is part of the key: each window is a fresh counter.
        limit = Limit(scope, attempts=rate.requests, window=rate.seconds)
        return count_attempt(limit, client, str(number)) <= rate.requests

    def wait(self) -> int:
        return max(1, math.ceil(self.left))
