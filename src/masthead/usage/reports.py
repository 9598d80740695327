"""COUNTER R5.1 reports from the daily rollups: the reading half (report_format shapes).

One aggregate query per report reads the usage: the rollups of one institution (or the
NULL rows, "The World") over the reporting period, summed per month and grouped by the
title or item and only the attributes the report shows; it runs on the
(institution_id, day) index. Then one query each for the titles' and items' descriptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from masthead.catalog.models import Article, Contributor, Journal
from masthead.sql import as_date
from masthead.sql import explain as sql_explain
from masthead.usage import report_format as fmt
from masthead.usage.models import DailyUsage, ProcessedDay
from masthead.usage.months import first_of_month, month_key, previous_month

REPORT_IDS = fmt.REPORT_IDS

_ISSN = re.compile(r"\d{4}-\d{3}[\dX]")
_DOI = re.compile(r"10\.[1-9]\d{3}[\d.]*/.+")
_PLATFORM_ID = re.compile(r"[a-zA-Z][a-zA-Z0-9_./]{1,17}")


@dataclass(frozen=True)
class ReportRequest:
    report_id: str  # "tr_j1" (any case)
    begin: date  # the first day of the first month
    end: date  # the last day of the last month
    institution_id: int | None  # None: all usage, "The World"
    customer_id: str
    institution_name: str
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    attributes_to_show: tuple[str, ...] = ()
    granularity: str = "Month"
    include_parent_details: bool = False


def platform_name() -> str:
    return settings.MASTHEAD_SITE_NAME


def platform_id() -> str:
    """The platform's namespace for Proprietary identifiers (COUNTER: 2-18 characters)."""
    value = settings.MASTHEAD_PLATFORM_ID or "masthead"
    return value if _PLATFORM_ID.fullmatch(value) else "masthead"


def registry_record() -> str:
    return settings.MASTHEAD_COUNTER_REGISTRY_RECORD


def institution_identifiers(customer_id: str) -> dict:
    """Institution_ID: the customer ID, in the platform's namespace (3.2 Report Header)."""
    return {"Proprietary": [f"{platform_id()}:{customer_id}"]}


def available_months(today: date | None = None) -> tuple[date | None, date | None]:
    """(first day of the first month with processed usage, last day of the last complete
    processed month); (None, None) when nothing has been processed."""
    today = today or timezone.now().date()
    processed = ProcessedDay.objects.aggregate(first=Min("day"), last=Max("day"))
    rolled = DailyUsage.objects.aggregate(first=Min("day"), last=Max("day"))
    firsts = [d for d in (processed["first"], rolled["first"]) if d]
    lasts = [d for d in (processed["last"], rolled["last"]) if d]
    first = first_of_month(min(firsts)) if firsts else None
    ready = fmt.ready_through(max(lasts), today) if lasts else None
    if first is not None and ready is not None and ready < first:
        return first, None
    return first, ready


def supported_reports(today: date | None = None) -> list[dict]:
    """The /reports list: every report with the months that can be asked for."""
    first, ready = available_months(today)
    today = today or timezone.now().date()
    fallback = month_key(previous_month(today))
    first_key = month_key(first) if first else fallback
    last_key = month_key(ready) if ready else fallback
    return [
        {
            "Report_Name": spec.name,
            "Report_ID": spec.report_id,
            "Release": fmt.RELEASE,
            "Report_Description": spec.description,
            "Path": f"/r51/reports/{spec.path_id}",
            "First_Month_Available": min(first_key, last_key),
            "Last_Month_Available": last_key,
        }
        for spec in fmt.SPECS.values()
    ]


def build_report(req: ReportRequest, today: date | None = None) -> dict:
    """The COUNTER JSON report (Report_Header + Report_Items) the request asks for."""
    plan = fmt.plan(
        req.report_id,
        req.filters,
        req.attributes_to_show,
        req.granularity,
        req.include_parent_details,
        platform_names=(platform_name(), platform_id()),
    )
    first, ready = available_months(today)
    period = fmt.period(req.begin, req.end, first, ready)
    extra: list[dict] = []
    items: list[dict] = []
    if period.query is not None:
        rows = [] if plan.data_type_excluded else _read(plan, req.institution_id, period.query)
        items = _shape(plan, period, rows)
        if not items:
            extra.append(
                fmt.exception(
                    3030,
                    f"no usage from {period.query[0].isoformat()} to {period.query[1].isoformat()}",
                )
            )
    head = fmt.header(
        plan,
        period,
        institution_name=req.institution_name,
        institution_id=institution_identifiers(req.customer_id),
        created=timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        created_by=settings.MASTHEAD_SITE_NAME,
        registry_record=registry_record(),
        exceptions=extra,
    )
    return {"Report_Header": head, "Report_Items": items}


# -- the usage query ---------------------------------------------------------------------

_COLUMNS = {"YOP": "yop", "Access_Type": "access_type", "Access_Method": "access_method"}


def _month_sql() -> str:
    if connection.vendor == "postgresql":
        return "to_char(day, 'YYYY-MM')"
    return "substr(day, 1, 7)"  # SQLite keeps dates as ISO text


def _usage_sql(plan: fmt.Plan, institution_id: int | None, days: tuple[date, date]):
    """(sql, params, grouped columns) of the usage query; None when nothing can match."""
    level = plan.spec.level
    key = {"TR": "title_id", "IR": "item_id", "PR": None}[level]
    where = ["day >= %s", "day <= %s"]
    params: list = [days[0], days[1]]
    if institution_id is None:
        where.insert(0, "institution_id IS NULL")
    else:
        where.insert(0, "institution_id = %s")
        params.insert(0, institution_id)
    where.append(f"metric_type IN ({', '.join(['%s'] * len(plan.metrics))})")
    params.extend(plan.metrics)
    for column, values in (
        ("access_type", plan.access_types),
        ("access_method", plan.access_methods),
    ):
        if values:
            where.append(f"{column} IN ({', '.join(['%s'] * len(values))})")
            params.extend(values)
    if plan.yops:
        ors = []
        for low, high in plan.yops:
            if low <= 1 <= high:  # 0001: year unknown
                ors.append("yop IS NULL")
            ors.append("yop BETWEEN %s AND %s")
            params.extend([low, high])
        where.append(f"({' OR '.join(ors)})")
    if plan.item_id is not None:
        ids = _resolve_item_id(level, plan.item_id)
        if not ids:
            return None
        where.append(f"{key} IN ({', '.join(['%s'] * len(ids))})")
        params.extend(ids)
    group = ([key] if key else []) + [_COLUMNS[d] for d in plan.dimensions] + ["metric_type"]
    month = _month_sql()
    sql = (
        f"SELECT {', '.join(group)}, {month} AS month, SUM(count) "  # noqa: S608 - no input
        f"FROM {DailyUsage._meta.db_table} WHERE {' AND '.join(where)} "
        f"GROUP BY {', '.join(group)}, {month}"
    )
    return sql, params, group


def _read(plan: fmt.Plan, institution_id: int | None, days: tuple[date, date]):
    """The grouped monthly sums, as report_format.UsageRow."""
    query = _usage_sql(plan, institution_id, days)
    if query is None:
        return []
    sql, params, group = query
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A year of a big platform groups millions of rows: in memory, not on disk.
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(sql, params)
        result = cursor.fetchall()
    at = {column: i for i, column in enumerate(group)}
    key = at.get("title_id", at.get("item_id"))
    yop, access_type, access_method = (at.get(c) for c in ("yop", "access_type", "access_method"))
    metric = at["metric_type"]
    row = fmt.UsageRow
    return [
        row(
            None if key is None else r[key],
            str(r[-2]),
            r[metric],
            int(r[-1] or 0),
            None if yop is None else r[yop],
            None if access_type is None else r[access_type],
            None if access_method is None else r[access_method],
        )
        for r in result
    ]


def explain(plan: fmt.Plan, institution_id: int | None, days: tuple[date, date]) -> str:
    """The database's plan for the usage query (for tests and the curious)."""
    query = _usage_sql(plan, institution_id, days)
    if query is None:
        return ""
    sql, params, _ = query
    return sql_explain(sql, params)


def _resolve_item_id(level: str, value: str) -> list[int]:
    """The Item_ID filter (an ISSN, DOI or proprietary id) as journal or article ids."""
    value = value.strip()
    prefix = f"{platform_id()}:"
    if level == "TR":
        if _ISSN.fullmatch(value.upper()):
            value = value.upper()
            issn = Q(issn_print=value) | Q(issn_online=value)
            return list(Journal.objects.filter(issn).values_list("pk", flat=True))
        code = value[len(prefix) :] if value.startswith(prefix) else value
        return list(Journal.objects.filter(code=code).values_list("pk", flat=True))
    if value.lower().startswith("https://doi.org/"):
        value = value[len("https://doi.org/") :]
    from masthead.catalog.models import doi_key

    return list(Article.objects.filter(doi_key=doi_key(value)).values_list("pk", flat=True))


# -- titles and items --------------------------------------------------------------------


def _issn(value: str) -> str | None:
    value = (value or "").strip().upper()
    return value if _ISSN.fullmatch(value) else None


_CODE = "journal-code"


def _journal_url() -> str:
    """The public address of a journal's page, with _CODE for its code (one reverse for
    a thousand titles)."""
    try:
        return settings.MASTHEAD_BASE_URL + reverse("reader:journal", args=[_CODE])
    except NoReverseMatch:  # the reader's pages are not mounted
        return ""


def _title_meta(journal: Journal, journal_url: str) -> dict:
    ids: dict = {}
    if issn := _issn(journal.issn_print):
        ids["Print_ISSN"] = issn
    if issn := _issn(journal.issn_online):
        ids["Online_ISSN"] = issn
    ids["Proprietary"] = f"{platform_id()}:{journal.code}"
    if journal_url:
        ids["URI"] = journal_url.replace(_CODE, journal.code)
    return {"Title": journal.title, "Publisher": journal.publisher.name, "Item_ID": ids}


def _titles(ids) -> dict[int, dict]:
    journals = Journal.objects.filter(pk__in=list(ids)).select_related("publisher")
    journal_url = _journal_url()
    return {j.pk: _title_meta(j, journal_url) for j in journals}


def _items(ids) -> dict[int, dict]:
    articles = Article.objects.filter(pk__in=list(ids)).select_related("journal__publisher")
    articles = articles.only(
        "pk", "doi", "title", "published_online", "journal_id",
        "journal__publisher__name", "journal__title",
    )  # fmt: skip
    authors: dict[int, list[dict]] = {}
    contributors = Contributor.objects.filter(article_id__in=list(ids), role="author").only(
        "article_id", "given_names", "surname", "suffix", "collab", "orcid"
    )
    for person in contributors.order_by("article_id", "position"):
        names = authors.setdefault(person.article_id, [])
        if len(names) < 3 and len(person.display_name) >= 2:
            author = {"Name": person.display_name}
            if re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", person.orcid or ""):
                author["ORCID"] = person.orcid
            if author not in names:
                names.append(author)
    out = {}
    for article in articles:
        ids_ = {}
        if _DOI.fullmatch(article.doi):
            ids_["DOI"] = article.doi
            ids_["URI"] = f"https://doi.org/{article.doi}"
        else:
            ids_["Proprietary"] = f"{platform_id()}:{article.pk}"
        meta = {
            "Item": article.title,
            "Publisher": article.journal.publisher.name,
            "Item_ID": ids_,
            "Article_Version": "VoR",
            "parent": article.journal_id,
        }
        if authors.get(article.pk):
            meta["Authors"] = authors[article.pk]
        if article.published_online:
            meta["Publication_Date"] = as_date(article.published_online).isoformat()
        out[article.pk] = meta
    return out


def _missing(key: int, name: str) -> dict:
    return {name: "", "Publisher": "", "Item_ID": {"Proprietary": f"{platform_id()}:{key}"}}


def _shape(plan: fmt.Plan, period: fmt.Period, rows: list) -> list[dict]:
    level = plan.spec.level
    keys = {r.key for r in rows if r.count}
    titles: dict = {}
    items: dict = {}
    if level == "TR":
        titles = _titles(keys)
        for key in keys - titles.keys():
            titles[key] = _missing(key, "Title")
    elif level == "IR":
        items = _items(keys)
        for key in keys - items.keys():
            items[key] = _missing(key, "Item")
        if plan.include_parent:
            titles = _titles({m["parent"] for m in items.values() if m.get("parent")})
    return fmt.report_items(
        plan, period, rows, platform=platform_name(), titles=titles, items=items
    )
