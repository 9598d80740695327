"""From an institution's licences to KBART holdings (the Django side of kbart.py)."""

from datetime import date

from django.conf import settings
from django.db.models import Max, Min

from masthead.access.kbart import Holding
from masthead.access.models import Institution
from masthead.catalog.models import Issue


def holdings_for(institution: Institution, today: date) -> list[Holding]:
    holdings = []
    for licence in institution.licences.select_related("journal", "journal__publisher"):
        journal = licence.journal
        issues = Issue.objects.filter(journal=journal)
        if licence.first_year:
            issues = issues.filter(year__gte=licence.first_year)
        if licence.last_year:
            issues = issues.filter(year__lte=licence.last_year)
        span = issues.aggregate(
            first=Min("cover_date"),
            last=Max("cover_date"),
            first_year=Min("year"),
            last_year=Max("year"),
        )
        first, last = _ends(issues)
        ended = licence.ends_on is not None and licence.ends_on < today
        holdings.append(
            Holding(
                title=journal.title,
                print_issn=journal.issn_print,
                online_issn=journal.issn_online,
                title_url=settings.MASTHEAD_BASE_URL + journal.get_absolute_url(),
                title_id=journal.code,
                publisher=journal.publisher.name,
                first_date=span["first"] or _jan1(span["first_year"]),
                first_volume=first.volume if first else "",
                first_issue=first.number if first else "",
                last_date=(span["last"] or _jan1(span["last_year"])) if ended else None,
                last_volume=last.volume if (last and ended) else "",
                last_issue=last.number if (last and ended) else "",
                notes=f"licence {licence.starts_on} to {licence.ends_on or 'open-ended'}",
                open_access=journal.is_open_access,
            )
        )
    return holdings


def _ends(issues):
    """The first and the last issue in the licensed range."""
    ordered = issues.order_by("year", "cover_date", "volume", "number")
    return ordered.first(), ordered.last()


def _jan1(year: int | None) -> date | None:
    return date(year, 1, 1) if year else None
