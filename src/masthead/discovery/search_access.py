"""What "only content I can access" means for one request: the `AccessScope` that
`search()` turns into SQL. Built from the same sources as the access decision
(`access.services`): the institutions of the reader's campus network and SAML sessions,
their active institutions' licences, and the signed-in reader's own grants.

Up to three queries (the IP range, the licences, the grants), plus one for the issues in
range when a licence is limited to volumes; none when the filter is not asked for.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from masthead.access.decision import GrantTerms
from masthead.access.models import Grant
from masthead.access.services import licences_for, reader_institutions
from masthead.catalog.models import Issue
from masthead.discovery.search_filters import AccessScope


def scope_for_request(request: HttpRequest) -> AccessScope:
    now = timezone.now()
    institutions = reader_institutions(request)
    licences = licences_for(institutions, journal_id=None)
    user = getattr(request, "user", None)
    grants = grants_of(user.pk, now) if user is not None and user.is_authenticated else ()
    return AccessScope(now, institutions, licences, grants, issues_in_volume_ranges(licences))


def grants_of(user_id: int, now) -> tuple[GrantTerms, ...]:
    rows = Grant.objects.filter(user_id=user_id, ends_at__gt=now).values_list(
        "pk", "starts_at", "ends_at", "article_id", "issue_id", "journal_id"
    )
    return tuple(GrantTerms(*row) for row in rows.order_by("pk"))


def issues_in_volume_ranges(licences) -> dict[int, tuple[int, ...]]:
    """{licence id: its journal's issues whose volume (a number, as `reader.lookup` reads
    it) lies in the licence's volume range}, for licences that have such a range."""
    ranged = [t for t in licences if (t.first_volume, t.last_volume) != (None, None)]
    if not ranged:
        return {}
    issues = Issue.objects.filter(journal_id__in={t.journal_id for t in ranged})
    rows = list(issues.values_list("pk", "journal_id", "volume"))
    found = {}
    for licence in ranged:
        low, high = licence.first_volume, licence.last_volume
        found[licence.licence_id] = tuple(
            pk
            for pk, journal_id, volume in rows
            if journal_id == licence.journal_id
            and volume.isdigit()
            and (low is None or low <= int(volume))
            and (high is None or int(volume) <= high)
        )
    return found
