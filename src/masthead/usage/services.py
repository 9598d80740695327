"""Recording usage: the one function every content route calls, one INSERT per event.

The request only appends; COUNTER processing (robots, double-clicks, sessions, rollups)
happens in batches (`masthead process_usage`, see processing.py). Nothing here reads.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from masthead.access.decision import Reason
from masthead.access.services import reader_institutions, request_ip
from masthead.usage import counter

_INSERT = """
INSERT INTO usage_event (occurred_at, item_id, title_id, yop, kind, denial_reason,
    access_type, access_method, session_id, tracked_session, url, user_agent, institution_ids)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
"""

_INSERT_ASYNC = """
WITH async AS (SELECT set_config('synchronous_commit', 'off', true))
INSERT INTO usage_event (occurred_at, item_id, title_id, yop, kind, denial_reason,
    access_type, access_method, session_id, tracked_session, url, user_agent, institution_ids)
SELECT %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s FROM async
"""
_DENIALS = {Reason.NO_LICENSE: "no_license", Reason.LIMIT_EXCEEDED: "limit_exceeded"}
_PEPPER = hashlib.sha256(f"usage-session:{settings.SECRET_KEY}".encode()).digest()


def _insert_sql() -> str:
    """The event's INSERT. On PostgreSQL, outside a caller's transaction, its commit does not
    wait for the WAL flush (synchronous_commit off for this one statement's transaction,
    set in the same round trip): a crash may lose the last fraction of a second of usage,
    and no page waits for a disk. Inside a caller's transaction the event simply joins it
    and leaves the caller's durability alone."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return _INSERT_ASYNC
    return _INSERT


def access_type(item) -> str:
    """COUNTER Access_Type of an item (3.3.9): Open, Free_To_Read or Controlled."""
    if item.is_open_access:
        return "Open"
    if item.is_free_to_read:
        return "Free_To_Read"
    return "Controlled"


def session_identity(request: HttpRequest) -> tuple[str, bool]:
    """Who the user is for 7.2/7.3, hashed: the session if there is one (tracked), else the
    address + user agent (a surrogate session, one per hour)."""
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        raw, tracked = f"s:{session.session_key}", True
    else:
        raw, tracked = f"a:{request_ip(request)}|{request.META.get('HTTP_USER_AGENT', '')}", False
    digest = hashlib.blake2b(raw.encode(), key=_PEPPER[:32], digest_size=16).hexdigest()
    return digest, tracked


def denial_reason(reason: Reason) -> str | None:
    """The COUNTER denial an access decision stands for, or None if it is not one."""
    return _DENIALS.get(reason)


def record(
    request: HttpRequest,
    ref,
    kind: str,
    *,
    denied: Reason | None = None,
    access_method: str = "Regular",
) -> None:
    """Append one usage event for `ref` (an ArticleRef) served to `request`.

    `kind` is one of counter.KINDS; for a denial pass kind=counter.DENIED and the access
    decision's reason. Staff previews of unpublished items are not usage.
    """
    decision = getattr(request, "access_decision", None)
    if decision is not None and decision.reason == Reason.STAFF_PREVIEW:
        return
    reason = ""
    if kind == counter.DENIED:
        reason = denial_reason(denied) or ""
        if not reason:
            return  # not a COUNTER denial (e.g. not published): nothing to count
    session_id, tracked = session_identity(request)
    institutions = reader_institutions(request)
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_sql(),
            [
                timezone.now(),
                ref.pk,
                ref.journal_id,
                ref.year,
                kind,
                reason,
                access_type(ref),
                access_method,
                session_id,
                tracked,
                request.get_full_path()[:300],
                request.META.get("HTTP_USER_AGENT", "")[:300],
                ",".join(str(i) for i in institutions),
            ],
        )
