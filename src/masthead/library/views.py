"""The library portal: an institution's administrator sees their institution only.

Thin views: `portal.librarian_required` decides who may see which institution, the
numbers and files come from the code the staff pages and the SUSHI API use (holdings and
KBART, monthly rollups and charts, COUNTER reports), and state changes are in services.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from masthead.access.views import kbart_response
from masthead.catalog.models import Journal
from masthead.library import services
from masthead.library.forms import ChangeRequestForm
from masthead.library.portal import librarian_required
from masthead.usage import backoffice, monthly
from masthead.usage.dashboard import monthly_chart
from masthead.usage.months import month_key
from masthead.usage.reports import supported_reports

RECENT_REQUESTS = 20


def _bad_request(request: HttpRequest, institution, message: str) -> HttpResponse:
    context = {"institution": institution, "message": message}
    return render(request, "library/bad_request.html", context, status=400)


@librarian_required
def home(request: HttpRequest) -> HttpResponse:
    institutions = request.library_institutions
    if len(institutions) == 1:
        return redirect("library:overview", institution_id=institutions[0].pk)
    return render(request, "library/choose.html", {"institutions": institutions})


@librarian_required
def overview(request: HttpRequest, institution) -> HttpResponse:
    context = {
        "institution": institution,
        "institutions": request.library_institutions,
        "licences": institution.licences.select_related("journal").order_by(
            "journal__title", "-starts_on"
        ),
        "ip_ranges": institution.ip_ranges.all(),
        "identity_providers": institution.identity_providers.order_by("entity_id"),
        "credentials": institution.sushicredential_set.order_by("customer_id"),
        "change_requests": institution.change_requests.all()[:RECENT_REQUESTS],
    }
    return render(request, "library/overview.html", context)


@librarian_required
def kbart_file(request: HttpRequest, institution) -> HttpResponse:
    return kbart_response(institution)


@librarian_required
@require_http_methods(["GET", "POST"])
def change_request(request: HttpRequest, institution) -> HttpResponse:
    if request.method == "POST":
        form = ChangeRequestForm(request.POST)
        if form.is_valid():
            services.file_change_request(
                institution,
                request.user,
                form.cleaned_data["kind"],
                form.cleaned_data["text"],
                form.cleaned_data["proposed_range"],
            )
            messages.success(request, "Your request has been sent to the publisher.")
            return redirect("library:overview", institution_id=institution.pk)
    else:
        form = ChangeRequestForm(initial={"kind": request.GET.get("kind", "")[:16]})
    return render(
        request, "library/change_request.html", {"institution": institution, "form": form}
    )


@librarian_required
@require_POST
def new_api_key(request: HttpRequest, institution, credential_id: int) -> HttpResponse:
    credential = get_object_or_404(institution.sushicredential_set, pk=credential_id)
    api_key = services.issue_api_key(credential)
    context = {"institution": institution, "credential": credential, "api_key": api_key}
    return render(request, "library/api_key.html", context)


def _customer(institution) -> backoffice.Customer:
    return backoffice.Customer(institution.pk, institution.name, str(institution.pk))


@librarian_required
def usage(request: HttpRequest, institution) -> HttpResponse:
    try:
        first, last = backoffice.period(request)
    except backoffice.BadParameter as error:
        return _bad_request(request, institution, str(error))
    chart, chart_rows = monthly_chart(
        f"{institution.name}: monthly usage",
        "library-chart",
        first,
        last,
        institution_id=institution.pk,
    )
    totals = monthly.totals_by(
        "title_id", institution_id=institution.pk, first_month=first, last_month=last
    )
    titles = dict(
        Journal.objects.filter(pk__in=[pk for pk, _ in totals]).values_list("pk", "title")
    )
    journal_rows = [
        {"title": titles.get(pk, f"Journal {pk}"), "values": [v[m] for m in monthly.TABLE_METRICS]}
        for pk, v in totals
    ]
    reports = [
        (r["Path"].rsplit("/", 1)[-1], r["Report_ID"], r["Report_Name"])
        for r in supported_reports()
    ]
    context = {
        "institution": institution,
        "customer": _customer(institution),
        "first": first,
        "last": last,
        "form_begin": month_key(first),
        "form_end": month_key(last),
        "metrics": monthly.TABLE_METRICS,
        "chart": chart,
        "chart_rows": chart_rows,
        "journal_rows": journal_rows,
        "reports": reports,
    }
    return render(request, "library/usage.html", context)


def _report(request: HttpRequest, institution, extension: str) -> HttpResponse:
    """A COUNTER report of this institution's usage, whatever else the request names."""
    try:
        return backoffice.report_attachment(request, _customer(institution), extension)
    except backoffice.BadParameter as error:
        return _bad_request(request, institution, str(error))


@librarian_required
def report_json(request: HttpRequest, institution) -> HttpResponse:
    return _report(request, institution, "json")


@librarian_required
def report_tsv(request: HttpRequest, institution) -> HttpResponse:
    return _report(request, institution, "tsv")
