"""When a failed job runs again: pure rules, no Django."""

from __future__ import annotations

import datetime as dt

FIRST_DELAY = dt.timedelta(seconds=30)
LONGEST_DELAY = dt.timedelta(hours=1)


def delay(attempts: int) -> dt.timedelta:
    """Wait before the next attempt, after `attempts` failed ones: 30 s, 1 min, 2 min ... 1 h."""
    return min(FIRST_DELAY * 2 ** max(attempts - 1, 0), LONGEST_DELAY)


def gives_up(attempts: int, max_attempts: int) -> bool:
    return attempts >= max_attempts


def tail(text: str, limit: int = 4000) -> str:
    """The end of a job's output, where its summary is."""
    return text if len(text) <= limit else "…" + text[-limit:]
