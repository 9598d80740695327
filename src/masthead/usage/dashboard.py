"""Usage on the staff dashboard: the last closed months, the platform's monthly chart, the
most requested articles and the institutions turned away most (the sales leads).

Everything is read from the daily rollups (`DailyUsage`), never from raw events, in a fixed
number of queries whatever the traffic. Regular usage only, as on the usage back office's
charts: TDM stays in the COUNTER reports, apart. `usage_chart` and `monthly_chart` are the
pieces the usage back office's own pages and the library portal share with the dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, Sum

from masthead.access.models import Institution
from masthead.catalog.models import Article, Journal
from masthead.usage import charts, counter, monthly
from masthead.usage.models import DailyUsage
from masthead.usage.months import first_of_month, last_of_month, month_period, previous_month

DASHBOARD_METRICS = (counter.TOTAL_ITEM_REQUESTS, counter.UNIQUE_ITEM_INVESTIGATIONS)
DENIAL_METRICS = (counter.NO_LICENSE, counter.LIMIT_EXCEEDED)
CLOSED_MONTHS = 12
TOP = 10


def closed_months(today: date, count: int = CLOSED_MONTHS) -> tuple[date, date]:
    """The last `count` calendar months that have ended by `today` (today's month is open)."""
    return month_period(previous_month(first_of_month(today)), count)


def usage_chart(
    title: str,
    series: list[tuple[str, dict[str, int]]],
    *,
    chart_id: str,
    chart_metrics: tuple[str, ...] = monthly.CHART_METRICS,
    table_metrics: tuple[str, ...] = monthly.TABLE_METRICS,
) -> tuple[str, list[dict]]:
    """The SVG of `chart_metrics` over a monthly series, and the rows of the table that
    carries the same numbers beside it ({"month", "values"} in `table_metrics` order)."""
    months = [m for m, _ in series]
    svg = charts.month_chart(
        title=title,
        months=months,
        series=[
            charts.Series(metric, monthly.series_values(series, metric)) for metric in chart_metrics
        ],
        kind="bar" if len(months) <= 24 else "line",
        chart_id=chart_id,
        y_label="Regular usage",
    )
    rows = [{"month": m, "values": [v[k] for k in table_metrics]} for m, v in series]
    return svg, rows


def monthly_chart(
    title: str, chart_id: str, first_month: date, last_month: date, *, institution_id=None, **scope
) -> tuple[str, list[dict]]:
    """The usage chart and table of one customer (None: The World) over a period, for all
    journals or one `journal_id` or `item_id`. One query."""
    series = monthly.monthly_series(
        institution_id=institution_id,
        first_month=first_month,
        last_month=last_month,
        metric_types=monthly.TABLE_METRICS,
        **scope,
    )
    return usage_chart(title, series, chart_id=chart_id)


def platform_chart(first_month: date, last_month: date) -> tuple[str, list[dict]]:
    """All journals, all usage ("The World"): Total_Item_Requests and
    Unique_Item_Investigations per month. One query."""
    series = monthly.monthly_series(
        first_month=first_month, last_month=last_month, metric_types=DASHBOARD_METRICS
    )
    return usage_chart(
        "All journals: monthly usage, The World",
        series,
        chart_id="dashboard-usage-chart",
        chart_metrics=DASHBOARD_METRICS,
        table_metrics=DASHBOARD_METRICS,
    )


@dataclass(frozen=True)
class ArticleUsage:
    pk: int
    article: Article | None  # None: the article was deleted since
    values: tuple[int, ...]  # DASHBOARD_METRICS order


def ranked_articles(
    first_month: date, last_month: date, limit: int, **scope
) -> list[tuple[int, Article | None, dict[str, int]]]:
    """(pk, article or None if deleted since, metric -> count) of the most used articles
    of the period in `scope` (journal_id, institution_id), ranked as the usage back office
    ranks them. Two queries (the totals, the articles)."""
    top = monthly.totals_by(
        "item_id", first_month=first_month, last_month=last_month, limit=limit, **scope
    )
    articles = (
        Article.objects.filter(pk__in=[pk for pk, _ in top]).only("pk", "title", "doi").order_by()
    )
    by_pk = {a.pk: a for a in articles}
    return [(pk, by_pk.get(pk), values) for pk, values in top]


def top_articles(first_month: date, last_month: date, limit: int = TOP) -> list[ArticleUsage]:
    """The most requested articles of the period, all journals."""
    return [
        ArticleUsage(pk, article, tuple(values[m] for m in DASHBOARD_METRICS))
        for pk, article, values in ranked_articles(first_month, last_month, limit)
    ]


@dataclass(frozen=True)
class JournalDenials:
    journal_id: int
    title: str  # "" when the journal was deleted since
    code: str
    no_license: int
    limit_exceeded: int

    @property
    def total(self) -> int:
        return self.no_license + self.limit_exceeded


@dataclass(frozen=True)
class InstitutionDenials:
    institution_id: int
    name: str  # "" when the institution was deleted since
    no_license: int
    limit_exceeded: int
    journals: tuple[JournalDenials, ...]  # the journals it was turned away from, most first

    @property
    def total(self) -> int:
        return self.no_license + self.limit_exceeded


@dataclass(frozen=True)
class Denials:
    institutions: list[InstitutionDenials]  # the top institutions, most turned away first
    journals: list[JournalDenials]  # all usage ("The World") per journal, most first


def _denied(first_month: date, last_month: date) -> Q:
    monthly.check_period(first_month, last_month)
    return Q(
        day__gte=first_of_month(first_month),
        day__lte=last_of_month(last_month),
        access_method=monthly.REGULAR,
        metric_type__in=DENIAL_METRICS,
    )


_SPLIT = {
    "no_license": Sum("count", filter=Q(metric_type=counter.NO_LICENSE)),
    "limit_exceeded": Sum("count", filter=Q(metric_type=counter.LIMIT_EXCEEDED)),
}


def denials(first_month: date, last_month: date, limit: int = TOP) -> Denials:
    """Turnaways (No_License + Limit_Exceeded) of the period: the `limit` institutions
    turned away most, each with its journals, and the `limit` journals turned away most
    over all usage. At most five queries, ranked and cut in the database."""
    where = _denied(first_month, last_month)
    top = list(
        DailyUsage.objects.filter(where, institution_id__isnull=False)
        .values("institution_id")
        .annotate(total=Sum("count"), **_SPLIT)
        .order_by("-total", "institution_id")[:limit]
    )
    ids = [row["institution_id"] for row in top]
    per_journal = (
        list(
            DailyUsage.objects.filter(where, institution_id__in=ids)
            .values("institution_id", "title_id")
            .annotate(total=Sum("count"), **_SPLIT)
            .order_by("-total", "title_id")
        )
        if ids
        else []
    )
    world = list(
        DailyUsage.objects.filter(where, institution_id__isnull=True)
        .values("title_id")
        .annotate(total=Sum("count"), **_SPLIT)
        .order_by("-total", "title_id")[:limit]
    )
    journal_ids = {row["title_id"] for row in per_journal} | {row["title_id"] for row in world}
    journals = {
        pk: (title, code)
        for pk, title, code in Journal.objects.filter(pk__in=journal_ids)
        .order_by()
        .values_list("pk", "title", "code")
    }
    names = dict(Institution.objects.filter(pk__in=ids).order_by().values_list("pk", "name"))

    def journal(row) -> JournalDenials:
        return JournalDenials(
            row["title_id"],
            *journals.get(row["title_id"], ("", "")),
            row["no_license"] or 0,
            row["limit_exceeded"] or 0,
        )

    journals_of: dict[int, list[JournalDenials]] = {}
    for row in per_journal:
        journals_of.setdefault(row["institution_id"], []).append(journal(row))
    institutions = [
        InstitutionDenials(
            row["institution_id"],
            names.get(row["institution_id"], ""),
            row["no_license"] or 0,
            row["limit_exceeded"] or 0,
            tuple(journals_of.get(row["institution_id"], ())),
        )
        for row in top
    ]
    return Denials(institutions, [journal(row) for row in world])
