"""The Django side of the access decision: who the request is, what they hold, one call.

For an anonymous reader on a campus network this costs two queries: the IP range (an
index lookup) and the institution's licences for the item's journal.
"""

from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from masthead.access import iprange
from masthead.access.client_ip import client_ip
from masthead.access.decision import (
    Action,
    Decision,
    GrantTerms,
    Item,
    LicenceTerms,
    Reader,
    decide,
)
from masthead.access.models import ActiveReader, Grant
from masthead.access.sessions import session_institutions
from masthead.sql import as_date, fetch_all, fetch_one

SEAT_WINDOW = timedelta(minutes=10)  # a reader holds a concurrent-user seat this long


class AccessibleItem(Protocol):
    """What access needs to know of an article (the reader's narrow ArticleRef)."""

    pk: int
    is_published: bool
    is_free_to_read: bool
    journal_id: int
    issue_id: int | None
    year: int | None
    volume: int | None

    @property
    def is_open_access(self) -> bool: ...


def request_ip(request: HttpRequest) -> str:
    """The reader's address; X-Forwarded-For counts only from MASTHEAD_TRUSTED_PROXIES."""
    if not hasattr(request, "_masthead_ip"):
        request._masthead_ip = client_ip(
            request.META.get("REMOTE_ADDR", ""),
            request.META.get("HTTP_X_FORWARDED_FOR", ""),
            settings.MASTHEAD_TRUSTED_PROXIES,
        )
    return request._masthead_ip


# The range with the greatest start at or below the address is the only candidate,
# because ranges never overlap. Plain SQL with no join: SQLite plans a join to the
# institutions table as a scan of all of them (a Bloom filter), on every request.
_RANGE_SQL = """
SELECT end_key, institution_id FROM access_iprange
WHERE start_key <= %s ORDER BY start_key DESC LIMIT 1
"""


def institution_for_ip(ip: str) -> int | None:
    """The institution whose range holds this address: one index lookup, no scan."""
    try:
        key = iprange.address_key(ip)
    except ValueError:
        return None
    row = fetch_one(_RANGE_SQL, [key])
    if row is None or row[0] < key:
        return None
    return row[1]  # an inactive institution's licences are filtered out where they load


def is_staff(request: HttpRequest) -> bool:
    """Staff preview unpublished content. Anonymous readers cost no query here."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


def campus_institution(request: HttpRequest) -> int | None:
    if not hasattr(request, "_masthead_campus"):
        request._masthead_campus = institution_for_ip(request_ip(request))
    return request._masthead_campus


def item_for(article: AccessibleItem) -> Item:
    return Item(
        is_published=article.is_published,
        is_open_access=article.is_open_access,
        is_free_to_read=article.is_free_to_read,
        journal_id=article.journal_id,
        issue_id=article.issue_id,
        article_id=article.pk,
        year=article.year,
        volume=article.volume,
    )


def reader_institutions(request: HttpRequest) -> tuple[int, ...]:
    """Every institution the reader belongs to here: SAML sessions and the campus network.
    Kept on the request: the access decision and usage recording both ask."""
    if not hasattr(request, "access_institutions"):
        institutions = set(session_institutions(request))
        campus = campus_institution(request)
        if campus is not None:
            institutions.add(campus)
        request.access_institutions = tuple(sorted(institutions))
    return request.access_institutions


def reader_for(request: HttpRequest, article: AccessibleItem) -> Reader:
    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and user.is_authenticated else None
    institutions = reader_institutions(request)
    return Reader(
        ip=request_ip(request),
        user_id=user_id,
        is_staff=is_staff(request),
        institution_ids=institutions,
        licences=licences_for(institutions, article.journal_id),
        grants=grants_for(user_id, article) if user_id else (),
    )


_LICENCES_SQL = """
SELECT l.id, l.institution_id, i.name, l.journal_id, l.starts_on, l.ends_on,
       l.first_year, l.last_year, l.first_volume, l.last_volume,
       l.perpetual_first_year, l.perpetual_last_year, l.concurrent_users
FROM access_licence l JOIN access_institution i ON i.id = l.institution_id
WHERE {journal} i.is_active AND l.institution_id IN ({ids})
ORDER BY l.institution_id, l.starts_on DESC
"""


def licences_for(institution_ids, journal_id: int | None) -> tuple[LicenceTerms, ...]:
    """The active institutions' licences for one journal, or for every journal when
    `journal_id` is None (search's "only what I can access"). Plain SQL: it runs per
    request."""
    ids = sorted(int(i) for i in institution_ids)
    if not ids:
        return ()
    journal, params = ("l.journal_id = %s AND", [journal_id]) if journal_id else ("", [])
    sql = _LICENCES_SQL.format(journal=journal, ids=", ".join(["%s"] * len(ids)))
    rows = fetch_all(sql, [*params, *ids])
    return tuple(LicenceTerms(*row[:4], as_date(row[4]), as_date(row[5]), *row[6:]) for row in rows)


def grants_for(user_id: int, article: AccessibleItem) -> tuple[GrantTerms, ...]:
    scope = Q(article_id=article.pk) | Q(journal_id=article.journal_id)
    if article.issue_id:
        scope |= Q(issue_id=article.issue_id)
    rows = Grant.objects.filter(scope, user_id=user_id, ends_at__gt=timezone.now()).values_list(
        "pk", "starts_at", "ends_at", "article_id", "issue_id", "journal_id"
    )
    return tuple(GrantTerms(*row) for row in rows)


def seat_taker(reader_key: str, now: datetime):
    """Take (or keep) a seat under a licence with a concurrent-user limit.

    Seats live in the database, so every web process sees the same count; a seat not
    renewed within SEAT_WINDOW is free again.
    """

    def take(licence: LicenceTerms) -> bool:
        since = now - SEAT_WINDOW
        with transaction.atomic():
            seats = ActiveReader.objects.select_for_update().filter(licence_id=licence.licence_id)
            seats.filter(last_seen__lt=since).delete()
            if seats.filter(reader_key=reader_key).update(last_seen=now):
                return True
            if seats.count() >= (licence.concurrent_users or 0):
                return False
            try:
                with transaction.atomic():
                    ActiveReader.objects.create(
                        licence_id=licence.licence_id, reader_key=reader_key, last_seen=now
                    )
            except IntegrityError:  # the same reader, in a parallel request
                pass
            return True

    return take


def reader_key(request: HttpRequest) -> str:
    """Who holds a seat: the session if there is one, else the address."""
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        return f"s:{session.session_key}"
    return f"ip:{request_ip(request)}"


def decide_for_request(
    request: HttpRequest, article: AccessibleItem, action: Action, serving: bool = True
) -> Decision:
    """Decide for this request. `serving=False` when only showing what the reader could
    read (the article page's access box): a concurrent-user seat is then not taken."""
    now = timezone.now()
    take_seat = seat_taker(reader_key(request), now) if serving else (lambda licence: True)
    decision = decide(
        reader_for(request, article), item_for(article), action, now, take_seat=take_seat
    )
    request.access_decision = decision  # kept for logging and usage recording
    return decision
