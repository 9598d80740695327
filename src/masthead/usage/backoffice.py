"""Staff-only usage pages: monthly charts per journal and article, COUNTER reports on demand.

Thin views: the GET parameters are parsed here (a bad month or an unknown customer is a
400 with the reason, never a 500), the numbers come from `monthly` (charts, top lists)
and `reports` (COUNTER R5.1 reports), and the templates lay them out. Charts count
Regular usage only; TDM is in the COUNTER reports, kept apart as COUNTER wants.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from masthead.access.models import Institution
from masthead.catalog.models import Article, Journal
from masthead.staff.services import area_required
from masthead.usage import monthly
from masthead.usage.dashboard import monthly_chart, ranked_articles, usage_chart
from masthead.usage.models import SushiCredential
from masthead.usage.months import last_of_month, month_key, month_period, months
from masthead.usage.reports import REPORT_IDS, ReportRequest, build_report
from masthead.usage.tabular import to_tsv

REPORTS = (
    ("pr", "Platform Report"),
    ("pr_p1", "Platform Usage"),
    ("tr", "Title Report"),
    ("tr_j1", "Journal Requests (Controlled)"),
    ("tr_j2", "Journal Access Denied"),
    ("tr_j3", "Journal Usage by Access Type"),
    ("tr_j4", "Journal Requests by YOP (Controlled)"),
    ("ir", "Item Report"),
    ("ir_a1", "Journal Article Requests"),
)
# Master reports are shown broken down by every usage attribute the rollups keep, so that
# TDM and Regular, or Open and Controlled, are never summed out of sight.
MASTER_ATTRIBUTES = {
    "pr": ("Access_Method",),
    "tr": ("YOP", "Access_Type", "Access_Method"),
    "ir": ("YOP", "Access_Type", "Access_Method"),
}
REPORT_NAMES = dict(REPORTS)
WORLD = "world"
WORLD_NAME = "The World"
DEFAULT_MONTHS = 12
TOP_ARTICLES = 50
_ATTRIBUTE_ORDER = (
    "Data_Type",
    "Section_Type",
    "YOP",
    "Access_Type",
    "Access_Method",
)
_NAME_KEYS = ("Item", "Title", "Database", "Platform")


class BadParameter(ValueError):
    """A GET parameter the page cannot use; its message is shown with a 400."""


@dataclass(frozen=True)
class Customer:
    institution_id: int | None  # None: all usage
    name: str
    param: str  # what the form sends back: "world" or the institution's id


# -- parameters -------------------------------------------------------------------------


def _default_period() -> tuple[date, date]:
    """The last DEFAULT_MONTHS months, this one included."""
    return month_period(timezone.now().date(), DEFAULT_MONTHS)


def period(request: HttpRequest) -> tuple[date, date]:
    """(first day of the begin month, first day of the end month) from ?begin=&end=."""
    default_first, default_last = _default_period()
    try:
        begin = request.GET.get("begin", "").strip()
        end = request.GET.get("end", "").strip()
        first = monthly.parse_month(begin) if begin else default_first
        last = monthly.parse_month(end) if end else default_last
        if begin and not end and first > last:
            last = first
        if end and not begin and first > last:
            first = last
        monthly.check_period(first, last)
    except ValueError as error:
        raise BadParameter(f"Period: {error}.") from error
    return first, last


def customer_id_for(institution_id: int | None) -> str:
    """The customer's SUSHI Customer_ID when it has a credential, else a local one."""
    found = (
        SushiCredential.objects.filter(institution_id=institution_id, is_active=True)
        .order_by("pk")
        .values_list("customer_id", flat=True)
        .first()
    )
    if found:
        return found
    return WORLD if institution_id is None else str(institution_id)


def _customer(request: HttpRequest) -> Customer:
    value = request.GET.get("customer", "").strip() or WORLD
    if value == WORLD:
        return Customer(None, WORLD_NAME, WORLD)
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        raise BadParameter(f"Customer: {value!r} is neither {WORLD!r} nor an institution's id.")
    institution = Institution.objects.filter(pk=int(value)).first()
    if institution is None:
        raise BadParameter(f"Customer: there is no institution with id {value}.")
    return Customer(institution.pk, institution.name, value)


def _report_id(request: HttpRequest) -> str:
    value = request.GET.get("report", "").strip().lower()
    if value not in REPORT_IDS:
        raise BadParameter(
            f"Report: {value!r} is not one of {', '.join(r for r, _ in REPORTS)}."
            if value
            else "Report: choose one."
        )
    return value


def _bad_request(request: HttpRequest, error: BadParameter) -> HttpResponse:
    return render(request, "usage/bad_request.html", {"message": str(error)}, status=400)


def _institutions():
    return Institution.objects.order_by("name").values_list("pk", "name", "is_active")


def _form_context(first: date, last: date, customer: Customer | None, report_id=""):
    return {
        "reports": REPORTS,
        "institutions": _institutions(),
        "form_report": report_id,
        "form_customer": customer.param if customer else WORLD,
        "form_begin": month_key(first),
        "form_end": month_key(last),
    }


# -- charts -----------------------------------------------------------------------------


def _period_query(first: date, last: date, customer: Customer) -> str:
    return urlencode(
        {
            "begin": month_key(first),
            "end": month_key(last),
            "customer": customer.param,
        }
    )


@never_cache
@area_required("usage")
def overview(request: HttpRequest) -> HttpResponse:
    try:
        first, last = period(request)
        customer = _customer(request)
        code = request.GET.get("journal", "").strip()
        journals = list(Journal.objects.order_by("title").only("pk", "code", "title"))
        if code:
            selected = next((j for j in journals if j.code == code), None)
            if selected is None:
                raise BadParameter(f"Journal: there is no journal with code {code!r}.")
        else:
            selected = journals[0] if journals else None
    except BadParameter as error:
        return _bad_request(request, error)
    context = {
        "first": first,
        "last": last,
        "customer": customer,
        "journals": journals,
        "selected": selected,
        "period_query": _period_query(first, last, customer),
        "metrics": monthly.TABLE_METRICS,
        **_form_context(first, last, customer),
    }
    if selected is not None:
        series = monthly.monthly_series(
            journal_id=selected.pk,
            institution_id=customer.institution_id,
            first_month=first,
            last_month=last,
            metric_types=monthly.TABLE_METRICS,
        )
        context["chart"], context["chart_rows"] = usage_chart(
            f"{selected.title}: monthly usage, {customer.name}", series, chart_id="journal-chart"
        )
        totals = dict(
            monthly.totals_by(
                "title_id",
                institution_id=customer.institution_id,
                first_month=first,
                last_month=last,
            )
        )
        zero = dict.fromkeys(monthly.TABLE_METRICS, 0)
        context["journal_rows"] = [
            {"journal": j, "values": [totals.get(j.pk, zero)[m] for m in monthly.TABLE_METRICS]}
            for j in journals
        ]
    return render(request, "usage/overview.html", context)


def _charted(request: HttpRequest, name: str, chart_id: str, **scope) -> dict:
    """The period and customer the GET params ask for, and the monthly chart of `scope`
    (a journal_id or an item_id) for them: the context both usage pages share."""
    first, last = period(request)
    customer = _customer(request)
    chart, chart_rows = monthly_chart(
        f"{name}: monthly usage, {customer.name}",
        chart_id,
        first,
        last,
        institution_id=customer.institution_id,
        **scope,
    )
    return {
        "first": first,
        "last": last,
        "customer": customer,
        "chart": chart,
        "chart_rows": chart_rows,
        "metrics": monthly.TABLE_METRICS,
        "period_query": _period_query(first, last, customer),
        **_form_context(first, last, customer),
    }


@never_cache
@area_required("usage")
def journal_usage(request: HttpRequest, code: str) -> HttpResponse:
    journal = get_object_or_404(Journal, code=code)
    try:
        context = _charted(request, journal.title, "journal-chart", journal_id=journal.pk)
    except BadParameter as error:
        return _bad_request(request, error)
    top = ranked_articles(
        context["first"],
        context["last"],
        TOP_ARTICLES,
        journal_id=journal.pk,
        institution_id=context["customer"].institution_id,
    )
    rows = [
        {"pk": pk, "article": article, "values": [values[m] for m in monthly.TABLE_METRICS]}
        for pk, article, values in top
    ]
    context.update(journal=journal, rows=rows)
    return render(request, "usage/journal.html", context)


@never_cache
@area_required("usage")
def article_usage(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("journal"), pk=pk)
    try:
        context = _charted(request, article.title, "article-chart", item_id=article.pk)
    except BadParameter as error:
        return _bad_request(request, error)
    rows = context["chart_rows"]
    totals = [sum(row["values"][i] for row in rows) for i in range(len(monthly.TABLE_METRICS))]
    context.update(article=article, journal=article.journal, totals=totals)
    return render(request, "usage/article.html", context)


# -- COUNTER reports --------------------------------------------------------------------


def report_request(request: HttpRequest, customer: Customer):
    """(ReportRequest, report id, customer, first month, last month): the report and
    period the GET params ask for, of `customer` (the library portal forces its own)."""
    report_id = _report_id(request)
    first, last = period(request)
    req = ReportRequest(
        report_id=report_id,
        begin=first,
        end=last_of_month(last),
        institution_id=customer.institution_id,
        customer_id=customer_id_for(customer.institution_id),
        institution_name=customer.name,
        filters={},
        attributes_to_show=MASTER_ATTRIBUTES.get(report_id, ()),
    )
    return req, report_id, customer, first, last


def _text(value) -> str:
    """A header value as one line: lists joined with |, objects as key=value; pairs."""
    if isinstance(value, dict):
        return "; ".join(f"{k}={_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "|".join(_text(v) for v in value)
    return "" if value is None else str(value)


def _report_months(header: dict, fallback: list[str]) -> list[str]:
    """The month columns: Begin_Date to End_Date of the header (End_Date is brought back
    when the last months are not processed yet), else the months asked for."""
    filters = header.get("Report_Filters") or {}
    try:
        first = date.fromisoformat(str(filters["Begin_Date"])[:10])
        last = date.fromisoformat(str(filters["End_Date"])[:10])
    except (KeyError, ValueError):
        return fallback
    return months(first, last)


def report_table(report: dict, months: list[str]) -> dict:
    """The report as a table: header lines, column names, one row per item, attribute set
    and metric, with month columns and the Reporting_Period_Total."""
    header = report.get("Report_Header", {})
    months = _report_months(header, months)
    header_lines = [
        (key, _text(header[key]))
        for key in (
            "Report_Name",
            "Report_ID",
            "Release",
            "Institution_Name",
            "Institution_ID",
            "Report_Filters",
            "Report_Attributes",
            "Created",
            "Created_By",
        )
        if key in header
    ]
    exceptions = [
        " ".join(
            part
            for part in (
                str(e.get("Code", "")),
                str(e.get("Message", "")),
                f"({_text(e['Data'])})" if e.get("Data") else "",
            )
            if part
        )
        for e in header.get("Exceptions", []) or []
    ]
    flat: list[tuple[dict, dict | None]] = []
    for item in report.get("Report_Items", []) or []:
        children = item.get("Items")
        if isinstance(children, list):
            flat.extend((child, item) for child in children)
        else:
            flat.append((item, None))
    attributes: list[str] = []
    for item, _ in flat:
        for perf in item.get("Attribute_Performance", []) or []:
            for key in perf:
                if key != "Performance" and key not in attributes:
                    attributes.append(key)
    order = {k: i for i, k in enumerate(_ATTRIBUTE_ORDER)}
    attributes.sort(key=lambda k: (order.get(k, len(order)), k))
    has_parent = any(parent is not None for _, parent in flat)
    rows = []
    for item, parent in flat:
        name = next((str(item[k]) for k in _NAME_KEYS if item.get(k)), "")
        parent_name = next(
            (str(parent[k]) for k in ("Title", "Item") if parent and parent.get(k)), ""
        )
        for perf in item.get("Attribute_Performance", []) or []:
            for metric, counts in (perf.get("Performance") or {}).items():
                if isinstance(counts, dict):
                    cells = [counts.get(m, 0) for m in months]
                    total = sum(v for v in counts.values() if isinstance(v, int))
                else:
                    cells, total = ["" for _ in months], counts
                rows.append(
                    {
                        "name": name,
                        "parent": parent_name,
                        "attributes": [_text(perf.get(a, "")) for a in attributes],
                        "metric": metric,
                        "total": total,
                        "cells": cells,
                    }
                )
    return {
        "header": header_lines,
        "exceptions": exceptions,
        "attributes": attributes,
        "has_parent": has_parent,
        "months": months,
        "rows": rows,
    }


@never_cache
@area_required("usage")
def report(request: HttpRequest) -> HttpResponse:
    try:
        req, report_id, customer, first, last = report_request(request, _customer(request))
    except BadParameter as error:
        return _bad_request(request, error)
    built = build_report(req)
    query = urlencode(
        {
            "report": report_id,
            "customer": customer.param,
            "begin": month_key(first),
            "end": month_key(last),
        }
    )
    return render(
        request,
        "usage/report.html",
        {
            "report_id": report_id,
            "report_name": REPORT_NAMES.get(report_id, report_id.upper()),
            "customer": customer,
            "first": first,
            "last": last,
            "table": report_table(built, months(first, last)),
            "json_url": f"{reverse('usage_admin:report_json')}?{query}",
            "tsv_url": f"{reverse('usage_admin:report_tsv')}?{query}",
            **_form_context(first, last, customer, report_id),
        },
    )


def file_name(report_id: str, first: date, last: date, extension: str) -> str:
    """TR_J3_2026-01_2026-06.tsv"""
    return f"{report_id.upper()}_{month_key(first)}_{month_key(last)}.{extension}"


# COUNTER's two forms of a report: (content type, the text of a built report).
DOWNLOADS = {
    "json": ("application/json", lambda report: json.dumps(report, indent=2)),
    "tsv": ("text/tab-separated-values; charset=utf-8", to_tsv),
}


def report_attachment(request: HttpRequest, customer: Customer, extension: str) -> HttpResponse:
    """The report the GET params ask for, of `customer`, as an attachment in one of
    COUNTER's forms (raises BadParameter)."""
    req, report_id, _, first, last = report_request(request, customer)
    content_type, text = DOWNLOADS[extension]
    response = HttpResponse(text(build_report(req)), content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{file_name(report_id, first, last, extension)}"'
    )
    return response


def _download(request: HttpRequest, extension: str) -> HttpResponse:
    try:
        return report_attachment(request, _customer(request), extension)
    except BadParameter as error:
        return _bad_request(request, error)


@never_cache
@area_required("usage")
def report_json(request: HttpRequest) -> HttpResponse:
    return _download(request, "json")


@never_cache
@area_required("usage")
def report_tsv(request: HttpRequest) -> HttpResponse:
    return _download(request, "tsv")
