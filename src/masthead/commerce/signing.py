"""Signed notifications, the scheme Stripe uses: HMAC-SHA256 over "<t>.<raw body>".

The header reads ``t=<unix time>,v1=<hex>[,v1=<hex>...]``. A notification older than
the tolerance is refused, so a captured one cannot be replayed later. Pure Python.
"""

import hashlib
import hmac
import time

from masthead.commerce.providers import SignatureError

TOLERANCE_SECONDS = 300


def signature_header(body: bytes, secret: str, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={_digest(body, secret, t)}"


def verify(
    body: bytes,
    header: str,
    secret: str,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> int:
    """Check the header against the raw body; returns the signed timestamp."""
    if not secret:
        raise SignatureError("no signing secret is configured")
    timestamp, signatures = None, []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            signatures.append(value)
    if timestamp is None or not signatures:
        raise SignatureError("missing or malformed signature header")
    expected = _digest(body, secret, timestamp)
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise SignatureError("signature does not match the body")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise SignatureError("timestamp outside the tolerance: a replay?")
    return timestamp


def _digest(body: bytes, secret: str, timestamp: int) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
