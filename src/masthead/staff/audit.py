"""What an audit entry keeps of a change: pure functions over plain dicts.

Values are the JSON forms of a row's fields (field name -> value). Fields whose name
says they hold a secret (password, secret, key, token, hash) are never kept: their
value is replaced by HIDDEN, so the log shows that they changed but not what to.
Texts longer than LONGEST are cut short (the log is not a copy of every article).
"""

from __future__ import annotations

import re

HIDDEN = "[hidden]"
LONGEST = 2000  # characters of a text value kept; an article's body or JATS is cut short
_SECRET_WORDS = {"password", "secret", "key", "token", "hash", "salt"}
_SPLIT = re.compile(r"[^a-z0-9]+")


def is_secret(name: str) -> bool:
    """True for password, api_key_sha256, webhook_secret, token_hash ... not keywords."""
    lowered = name.lower()
    return "password" in lowered or any(
        word in _SECRET_WORDS for word in _SPLIT.split(lowered) if word
    )


def clip(value):
    if isinstance(value, str) and len(value) > LONGEST:
        return f"{value[:LONGEST]}… ({len(value)} characters)"
    return value


def redact(values: dict) -> dict:
    """Secrets hidden, long texts cut short: what the log may keep of these values."""
    return {name: HIDDEN if is_secret(name) else clip(value) for name, value in values.items()}


def changed(before: dict, after: dict, ignore: frozenset[str] = frozenset()) -> tuple[dict, dict]:
    """(before, after) of just the fields whose value differs, secrets hidden."""
    names = [n for n in after if n not in ignore and (n not in before or before[n] != after[n])]
    return redact({n: before.get(n) for n in names}), redact({n: after[n] for n in names})
