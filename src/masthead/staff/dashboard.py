"""The publisher's back-office dashboard at /back-office/: the last 12 closed months at a glance.

Each section needs its own permission, and staff see only the sections their role holds:
usage and turnaways (`usage.view_backoffice`), sales (`commerce.view_backoffice`),
citations (`citations.view_citation`), jobs (`jobs.view_job`). Staff holding none of them
get a 403; readers and anonymous visitors go to the admin login, as on every back-office
page. The numbers come from each app's `dashboard` module, in a fixed number of queries
whatever the data size.

Staff who may see the jobs (`jobs.view_job`) get the background jobs' panel: the queue,
imports, and the failures with their retry buttons (`masthead.jobs.panel`).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from masthead.citations import dashboard as citations_dashboard
from masthead.commerce import sales
from masthead.jobs.panel import panel as jobs_panel
from masthead.staff.roles import AREAS
from masthead.staff.services import staff_permission_required
from masthead.usage import dashboard as usage_dashboard
from masthead.usage.months import month_key

SECTIONS = {
    "usage": AREAS["usage"].permission,
    "sales": AREAS["sales"].permission,
    "citations": "citations.view_citation",
    "jobs": "jobs.view_job",
}


def sections_of(user) -> frozenset[str]:
    """The dashboard sections `user` may see."""
    return frozenset(name for name, permission in SECTIONS.items() if user.has_perm(permission))


def _usage(first, last) -> dict:
    chart, chart_rows = usage_dashboard.platform_chart(first, last)
    return {
        "chart": chart,
        "chart_rows": chart_rows,
        "metrics": usage_dashboard.DASHBOARD_METRICS,
        "top_articles": usage_dashboard.top_articles(first, last),
        "denials": usage_dashboard.denials(first, last),
        "period_query": urlencode(
            {"begin": month_key(first), "end": month_key(last), "customer": "world"}
        ),
    }


def _sales(first, last) -> dict:
    months = sales.sales_by_month(first, last)
    return {"sales_months": months, "sales_totals": sales.totals_by_currency(months)}


@never_cache
@staff_permission_required(*SECTIONS.values())
def dashboard(request: HttpRequest) -> HttpResponse:
    sections = sections_of(request.user)
    first, last = usage_dashboard.closed_months(timezone.now().date())
    context = {"sections": sections, "first": first, "last": last, "jobs_panel": None}
    if "jobs" in sections:
        context["jobs_panel"] = jobs_panel()
    if "usage" in sections:
        context.update(_usage(first, last))
    if "sales" in sections:
        context.update(_sales(first, last))
    if "citations" in sections:
        context["citations"] = citations_dashboard.citation_overview()
    return render(request, "staff/dashboard.html", context)
