"""Making and checking API token keys (plain functions; the key itself is never stored)."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from masthead.api.models import ApiToken

KEY_BYTES = 32
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = 3600


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it and its key (shown once, kept nowhere)."""
    key = secrets.token_urlsafe(KEY_BYTES)
    token = ApiToken.objects.create(user=user, name=name, key_sha256=key_hash(key), prefix=key[:8])
    return token, key


def token_for_key(key: str) -> ApiToken | None:
    """The active token with this key, its user loaded; marks it used (hourly)."""
    if not key or len(key) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_sha256=key_hash(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > (
        LAST_USED_RESOLUTION
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
