"""The COUNTER_SUSHI API, Release 5.1 (Section 8): status, report list, members, reports.

Thin views: read the parameters, authenticate (sushi_auth), ask reports.build_report,
answer JSON. Errors that stop a request answer a single Exception object with the status
the API specification gives it (400, 401, 403, 404); problems a report can live with
(ignored parameters, invalid filter values, months not ready) are Exceptions in its
Report_Header. Every answer carries `Access-Control-Allow-Origin: *`, as is usual for
SUSHI servers, so browser-based harvesters can read it.
"""

from __future__ import annotations

import logging
import re
from datetime import date

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from masthead.usage import report_format as fmt
from masthead.usage import reports
from masthead.usage.months import first_of_month, last_of_month
from masthead.usage.sushi_auth import SushiError, authenticate

logger = logging.getLogger(__name__)

BASE_PARAMETERS = ("customer_id", "requestor_id", "api_key", "platform", "begin_date", "end_date")
# Filters by their parameter names (8.3: "each filter/attribute corresponds to a API path
# parameter with the same name in lower case").
FILTERS = {
    "metric_type": "Metric_Type",
    "data_type": "Data_Type",
    "access_type": "Access_Type",
    "access_method": "Access_Method",
    "yop": "YOP",
    "item_id": "Item_ID",
    "platform": "Platform",
}
MASTER_PARAMETERS = {
    "PR": {"metric_type", "data_type", "access_method", "attributes_to_show", "granularity"},
    "TR": {"metric_type", "data_type", "access_type", "access_method", "yop", "item_id",
           "attributes_to_show", "granularity"},
    "IR": {"metric_type", "data_type", "access_type", "access_method", "yop", "item_id",
           "attributes_to_show", "granularity", "include_parent_details",
           "include_component_details"},
}  # fmt: skip
# Filters the specification lists but this platform does not support: 3060 (8.1 for the
# common extensions: "If filtering by an extension is not supported ... Exception 3060").
UNSUPPORTED_FILTERS = {
    "PR": {"attributed", "country_code", "subdivision_code"},
    "TR": {"attributed", "country_code", "subdivision_code"},
    "IR": {"attributed", "country_code", "subdivision_code", "author"},
}

_MONTH = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def _answer(data, status: int = 200) -> HttpResponse:
    response = JsonResponse(data, safe=False, status=status, json_dumps_params={"indent": None})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(error: SushiError) -> HttpResponse:
    return _answer(error.as_json(), error.status)


def _params(request: HttpRequest) -> dict[str, str]:
    """The query parameters, names in lower case, each its first non-empty value."""
    out: dict[str, str] = {}
    for name, values in request.GET.lists():
        value = next((v.strip() for v in values if v.strip()), "")
        out.setdefault(name.strip().lower(), value)
    return out


def _preflight(request: HttpRequest) -> HttpResponse | None:
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "GET, OPTIONS"
        response["Access-Control-Allow-Headers"] = "*"
        return response
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse(status=405)
        response["Allow"] = "GET, HEAD, OPTIONS"
        return response
    return None


def parse_month(value: str, name: str, *, end: bool) -> date:
    """A begin_date / end_date (yyyy-mm or yyyy-mm-dd) as the first / last day of its month."""
    match = _MONTH.fullmatch(value)
    try:
        if not match:
            raise ValueError
        day = date(int(match[1]), int(match[2]), int(match[3] or 1))
    except ValueError:
        raise SushiError(3020, f"{name} {value!r} is not a date (yyyy-mm or yyyy-mm-dd)") from None
    return last_of_month(day) if end else first_of_month(day)


def parse_dates(params: dict[str, str], today: date) -> tuple[date, date]:
    """begin_date and end_date, checked as Appendix D asks (1030 missing, 3020 invalid)."""
    missing = [n for n in ("begin_date", "end_date") if not params.get(n)]
    if missing:
        raise SushiError(1030, f"{' and '.join(missing)} missing")
    begin = parse_month(params["begin_date"], "begin_date", end=False)
    end = parse_month(params["end_date"], "end_date", end=True)
    if begin > end:
        raise SushiError(3020, "begin_date is after end_date")
    if begin >= first_of_month(today):
        # 3031's note: "If the requested begin_date is the current or a future month, the
        # server should return Exception 3020."
        raise SushiError(3020, "begin_date is the current or a future month")
    return begin, end


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split("|") if v.strip())


def _flag(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value.lower())


def report_request(report_id: str, params: dict[str, str], customer, today: date):
    """(ReportRequest, Exceptions for the header) from a report path's parameters."""
    spec = fmt.SPECS[report_id]
    begin, end = parse_dates(params, today)
    recognised = set(BASE_PARAMETERS)
    unsupported: set[str] = set()
    if not spec.is_standard_view:
        recognised |= MASTER_PARAMETERS[spec.level]
        unsupported = UNSUPPORTED_FILTERS[spec.level]
    exceptions = []
    unknown = sorted(n for n in params if n not in recognised | unsupported)
    if unknown:
        exceptions.append(fmt.exception(3050, ", ".join(unknown)))
    ignored = sorted(f"{n}={params[n]}" for n in params if n in unsupported and params[n])
    if ignored:
        exceptions.append(fmt.exception(3060, "; ".join(ignored)))
    filters = {
        FILTERS[name]: _split(params[name])
        for name in FILTERS
        if name in recognised and params.get(name)
    }
    include_parent = False
    if "include_parent_details" in recognised and params.get("include_parent_details"):
        flag = _flag(params["include_parent_details"])
        if flag is None:
            exceptions.append(
                fmt.exception(3062, f"Include_Parent_Details={params['include_parent_details']}")
            )
        include_parent = bool(flag)
    if "include_component_details" in recognised and _flag(
        params.get("include_component_details", "")
    ):
        exceptions.append(fmt.exception(3063, "Include_Component_Details=True"))
    granularity = "Month"
    if "granularity" in recognised and params.get("granularity"):
        granularity = params["granularity"]
    attributes = ()
    if "attributes_to_show" in recognised:
        attributes = _split(params.get("attributes_to_show", ""))
    request = reports.ReportRequest(
        report_id=report_id,
        begin=begin,
        end=end,
        institution_id=customer.institution_id,
        customer_id=customer.customer_id,
        institution_name=customer.institution_name,
        filters=filters,
        attributes_to_show=attributes,
        granularity=granularity,
        include_parent_details=include_parent,
    )
    return request, exceptions


# -- views -------------------------------------------------------------------------------


def status(request: HttpRequest) -> HttpResponse:
    """GET /r51/status: public (8.1), so anyone can see whether the server is up."""
    if response := _preflight(request):
        return response
    entry = {
        "Description": f"COUNTER_SUSHI API for {reports.platform_name()}",
        "Service_Active": True,
        "Registry_Record": reports.registry_record(),
    }
    return _answer([entry])


def report_list(request: HttpRequest) -> HttpResponse:
    """GET /r51/reports: the supported reports and the months available."""
    if response := _preflight(request):
        return response
    try:
        authenticate(_params(request))
    except SushiError as error:
        return _error(error)
    return _answer(reports.supported_reports())


def members(request: HttpRequest) -> HttpResponse:
    """GET /r51/members: the customer itself (no consortia or multi-site customers yet)."""
    if response := _preflight(request):
        return response
    try:
        customer = authenticate(_params(request))
    except SushiError as error:
        return _error(error)
    member = {
        "Customer_ID": customer.customer_id,
        "Institution_Name": customer.institution_name,
        "Institution_ID": reports.institution_identifiers(customer.customer_id),
    }
    if customer.requestor_id:
        member["Requestor_ID"] = customer.requestor_id
    return _answer([member])


def report(request: HttpRequest, report_id: str) -> HttpResponse:
    """GET /r51/reports/{report id in lower case}."""
    if response := _preflight(request):
        return response
    params = _params(request)
    try:
        customer = authenticate(params)
        report_id = report_id.lower()
        if report_id not in fmt.SPECS:
            raise SushiError(3000, f"{report_id} is not supported; see /r51/reports")
        today = timezone.now().date()
        req, exceptions = report_request(report_id, params, customer, today)
    except SushiError as error:
        return _error(error)
    try:
        data = reports.build_report(req, today=today)
    except Exception:  # a harvester should get a COUNTER answer, not an HTML page
        logger.exception("SUSHI %s report failed", report_id)
        return _error(SushiError(1000, "the report could not be prepared; try again later"))
    if exceptions:
        head = data["Report_Header"]
        head["Exceptions"] = [*exceptions, *head.get("Exceptions", [])]
    return _answer(data)
