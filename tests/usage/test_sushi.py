"""The COUNTER_SUSHI API as a harvester meets it: every answer validates against the
official COUNTER_SUSHI_API.json schema, and every error has its code and HTTP status."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from masthead.access.models import Institution
from masthead.usage.models import DailyUsage, ProcessedDay, SushiCredential
from masthead.usage.sushi_auth import api_key_hash
from tests.conftest import SHARED

API = SHARED / "counter" / "COUNTER_SUSHI_API.json"
needs_api = pytest.mark.skipif(not API.is_file(), reason=f"no COUNTER schema at {API}")
pytestmark = needs_api

D = dt.date
WORLD_ID = "0000000000000000"
BASE = "/sushi/r51"
RANGE = {"begin_date": "2025-01", "end_date": "2025-03"}


def _validator(schema: dict) -> Draft202012Validator:
    document = json.loads(API.read_text())
    registry = Registry().with_resource(
        "urn:counter-sushi", Resource.from_contents(document, default_specification=DRAFT202012)
    )
    return Draft202012Validator(
        schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def component(name: str) -> Draft202012Validator:
    return _validator({"$ref": f"urn:counter-sushi#/components/schemas/{name}"})


def response_schema(status: str) -> Draft202012Validator:
    """The schema the specification gives a response (e.g. '400_Exception')."""
    ref = f"urn:counter-sushi#/components/responses/{status}/content/application~1json/schema"
    return _validator({"$ref": ref})


def assert_valid(validator: Draft202012Validator, data) -> None:
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


@pytest.fixture
def campus(db):
    return Institution.objects.create(name="Campus University")


@pytest.fixture
def credentials(campus):
    other = Institution.objects.create(name="Other College")
    SushiCredential.objects.create(
        name="Publisher", customer_id=WORLD_ID, requestor_id="press-harvester",
        api_key_sha256=api_key_hash("world-key"),
    )  # fmt: skip
    SushiCredential.objects.create(
        name="Campus", institution=campus, customer_id="campus-1", requestor_id="campus-req"
    )
    SushiCredential.objects.create(
        name="Other", institution=other, customer_id="other-1",
        api_key_sha256=api_key_hash("other-key"),
    )  # fmt: skip
    SushiCredential.objects.create(
        name="Gone", institution=other, customer_id="gone-1", requestor_id="gone-req",
        is_active=False,
    )  # fmt: skip


WORLD = {"customer_id": WORLD_ID, "requestor_id": "press-harvester", "api_key": "world-key"}
CAMPUS = {"customer_id": "campus-1", "requestor_id": "campus-req"}


@pytest.fixture
def usage(make_article, campus, credentials):
    a1 = make_article(title="Alpha", published_online=D(2023, 2, 1))
    a2 = make_article(title="Beta", is_open_access=True, published_online=D(2024, 5, 1))
    ProcessedDay.objects.bulk_create(
        ProcessedDay(day=D(2025, 1, 1) + dt.timedelta(days=i), events=1, robots_version="t")
        for i in range(90)
    )

    def row(day, article, metric, count, institution=None, at="Controlled", am="Regular"):
        return DailyUsage(
            day=day, title_id=article.journal_id, item_id=article.pk,
            institution_id=institution, yop=article.published_online.year, access_type=at,
            access_method=am, metric_type=metric, count=count,
        )  # fmt: skip

    rows = []
    for institution in (None, campus.pk):
        for metric, n in (
            ("Total_Item_Investigations", 9), ("Unique_Item_Investigations", 6),
            ("Total_Item_Requests", 7), ("Unique_Item_Requests", 5),
        ):  # fmt: skip
            rows.append(row(D(2025, 1, 3), a1, metric, n, institution))
            rows.append(row(D(2025, 3, 9), a2, metric, n + 1, institution, at="Open"))
        rows.append(row(D(2025, 2, 2), a1, "No_License", 4, institution))
        rows.append(row(D(2025, 2, 2), a1, "Limit_Exceeded", 1, institution))
    rows.append(row(D(2025, 2, 5), a1, "Total_Item_Requests", 30, am="TDM"))
    rows.append(row(D(2025, 2, 5), a1, "Unique_Item_Requests", 3, am="TDM"))
    DailyUsage.objects.bulk_create(rows)
    return a1, a2


def get(client, path, **params):
    response = client.get(f"{BASE}{path}", params)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"].startswith("application/json")
    return response, response.json()


# -- the schema check itself -------------------------------------------------------------


def test_the_validator_accepts_the_official_sample_and_rejects_a_broken_one():
    sample = json.loads((SHARED / "counter" / "samples" / "TRJ3_sample_r51.json").read_text())
    assert_valid(component("TR_J3"), sample)
    del sample["Report_Items"][0]["Platform"]
    assert list(component("TR_J3").iter_errors(sample))


# -- reports -----------------------------------------------------------------------------

MASTER_OPTIONS = {
    "pr": [{}, {"attributes_to_show": "Access_Method"}, {"granularity": "Total"}],
    "tr": [{}, {"attributes_to_show": "YOP|Access_Type|Access_Method"},
           {"granularity": "Total", "access_type": "Open"}],
    "ir": [{}, {"attributes_to_show": "Authors|Publication_Date|Article_Version|YOP|"
                                      "Access_Type|Access_Method",
                "include_parent_details": "True"},
           {"include_parent_details": "true", "metric_type": "No_License|Limit_Exceeded"}],
}  # fmt: skip


@pytest.mark.parametrize(
    "report_id", ["pr", "pr_p1", "tr", "tr_j1", "tr_j2", "tr_j3", "tr_j4", "ir", "ir_a1"]
)
@pytest.mark.parametrize("who", ["world", "campus"])
def test_every_report_validates_against_the_schema(client, usage, report_id, who):
    creds = WORLD if who == "world" else CAMPUS
    for options in MASTER_OPTIONS.get(report_id, [{}]):
        response, data = get(client, f"/reports/{report_id}", **creds, **RANGE, **options)
        assert response.status_code == 200, data
        assert data["Report_Items"], f"{report_id} {options}: no usage reported"
        assert_valid(component(report_id.upper()), data)
        head = data["Report_Header"]
        assert head["Report_ID"] == report_id.upper()
        assert head["Institution_Name"] == ("The World" if who == "world" else "Campus University")
        assert "Exceptions" not in head, head["Exceptions"]


def test_the_campus_report_has_its_numbers_and_not_the_worlds(client, usage):
    _, data = get(client, "/reports/tr_j3", **CAMPUS, **RANGE)
    [item] = data["Report_Items"]
    by_type = {ap["Access_Type"]: ap["Performance"] for ap in item["Attribute_Performance"]}
    assert by_type["Controlled"]["Total_Item_Requests"] == {"2025-01": 7}
    assert by_type["Open"]["Unique_Item_Investigations"] == {"2025-03": 7}
    _, world = get(client, "/reports/tr", **WORLD, **RANGE, access_method="TDM")
    [ap] = world["Report_Items"][0]["Attribute_Performance"]
    assert ap["Performance"] == {
        "Total_Item_Requests": {"2025-02": 30},
        "Unique_Item_Requests": {"2025-02": 3},
    }
    _, tdm = get(client, "/reports/tr", **CAMPUS, **RANGE, access_method="TDM")
    assert tdm["Report_Items"] == []
    assert [e["Code"] for e in tdm["Report_Header"]["Exceptions"]] == [3030]


def test_dates_are_expanded_to_whole_months(client, usage):
    _, data = get(client, "/reports/tr_j1", **CAMPUS, begin_date="2025-01-15", end_date="2025-02")
    filters = data["Report_Header"]["Report_Filters"]
    assert (filters["Begin_Date"], filters["End_Date"]) == ("2025-01-01", "2025-02-28")


def test_months_not_ready_are_3031_in_the_header(client, usage):
    response, data = get(client, "/reports/tr_j1", **CAMPUS, begin_date="2025-01",
                         end_date="2025-06")  # fmt: skip
    assert response.status_code == 200
    assert_valid(component("TR_J1"), data)
    [exc] = data["Report_Header"]["Exceptions"]
    assert exc["Code"] == 3031 and "2025-03-31" in exc["Data"]
    assert data["Report_Header"]["Report_Filters"]["End_Date"] == "2025-03-31"


def test_months_before_the_first_processed_are_3032(client, usage):
    _, data = get(client, "/reports/pr_p1", **WORLD, begin_date="2024-10", end_date="2025-03")
    assert_valid(component("PR_P1"), data)
    assert [e["Code"] for e in data["Report_Header"]["Exceptions"]] == [3032]
    assert data["Report_Items"]


def test_no_usage_is_3030(client, usage):
    _, data = get(client, "/reports/ir_a1", **WORLD, begin_date="2025-02", end_date="2025-02")
    assert data["Report_Items"] == []
    assert_valid(component("IR_A1"), data)
    assert [e["Code"] for e in data["Report_Header"]["Exceptions"]] == [3030]


@pytest.mark.parametrize(
    ("path", "params", "code", "data"),
    [
        (
            "/reports/tr",
            {"metric_type": "Total_Item_Requests|Unique_Item_Requests|Clicks"},
            3060,
            "Metric_Type=Clicks",
        ),
        ("/reports/tr", {"yop": "20x0"}, 3060, "YOP=20x0"),
        ("/reports/tr", {"country_code": "DE"}, 3060, "country_code=DE"),
        ("/reports/tr", {"attributes_to_show": "Country_Name|YOP"}, 3062, "Country_Name"),
        ("/reports/tr_j1", {"metric_type": "No_License"}, 3050, "metric_type"),
        ("/reports/tr", {"colour": "blue"}, 3050, "colour"),
        ("/reports/ir", {"include_component_details": "True"}, 3063, ""),
        ("/reports/pr", {"platform": "Elsewhere"}, 3060, "Platform=Elsewhere"),
    ],
)
def test_ignored_parameters_are_reported_in_the_header(client, usage, path, params, code, data):
    response, report = get(client, path, **WORLD, **RANGE, **params)
    assert response.status_code == 200
    assert_valid(component(path.rsplit("/", 1)[1].upper()), report)
    [exc] = [e for e in report["Report_Header"]["Exceptions"] if e["Code"] == code]
    assert data in exc.get("Data", "")
    assert report["Report_Items"]  # the rest of the request is still served


def test_a_filter_narrows_the_report(client, usage):
    a1, a2 = usage
    _, data = get(client, "/reports/ir", **WORLD, **RANGE, item_id=a2.doi)
    assert [i["Item_ID"]["DOI"] for i in data["Report_Items"][0]["Items"]] == [a2.doi]
    _, data = get(client, "/reports/tr", **WORLD, **RANGE, metric_type="No_License|Limit_Exceeded",
                  attributes_to_show="Access_Type")  # fmt: skip
    [ap] = data["Report_Items"][0]["Attribute_Performance"]
    assert ap["Performance"] == {"Limit_Exceeded": {"2025-02": 1}, "No_License": {"2025-02": 4}}
    assert data["Report_Header"]["Report_Filters"]["Metric_Type"] == [
        "No_License",
        "Limit_Exceeded",
    ]


# -- errors ------------------------------------------------------------------------------

CURRENT_MONTH = f"{timezone.now():%Y-%m}"


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"requestor_id": "campus-req", **RANGE}, 400, 1030),  # no customer_id
        ({"customer_id": "campus-1", **RANGE}, 400, 1030),  # no requestor_id
        ({**CAMPUS, "end_date": "2025-03"}, 400, 1030),  # no begin_date
        ({**CAMPUS, "begin_date": "2025-13", "end_date": "2025-12"}, 400, 3020),
        ({**CAMPUS, "begin_date": "January", "end_date": "2025-12"}, 400, 3020),
        ({**CAMPUS, "begin_date": "2025-04", "end_date": "2025-03"}, 400, 3020),
        ({**CAMPUS, "begin_date": CURRENT_MONTH, "end_date": CURRENT_MONTH}, 400, 3020),
        ({"customer_id": "nobody", "requestor_id": "campus-req", **RANGE}, 403, 2010),
        ({"customer_id": "campus-1", "requestor_id": "press-harvester", **RANGE}, 403, 2010),
        ({"customer_id": "campus-1", "requestor_id": "stranger", **RANGE}, 401, 2000),
        ({"customer_id": "gone-1", "requestor_id": "gone-req", **RANGE}, 403, 2010),
        ({"customer_id": "other-1", "api_key": "guess", **RANGE}, 401, 2020),
        ({"customer_id": "other-1", "api_key": "world-key", **RANGE}, 401, 2020),
        ({"customer_id": "other-1", **RANGE}, 400, 1030),
        ({**WORLD, "api_key": "other-key", **RANGE}, 401, 2020),
    ],
)
def test_errors_have_their_code_and_status(client, usage, params, status, code):
    response, data = get(client, "/reports/tr_j1", **params)
    assert response.status_code == status, data
    assert data["Code"] == code
    assert_valid(response_schema(f"{status}_Exception"), data)


def test_an_unsupported_report_is_not_found(client, usage):
    response, data = get(client, "/reports/dr_d1", **CAMPUS, **RANGE)
    assert response.status_code == 404
    assert data["Code"] == 3000
    assert_valid(component("Exception"), data)


def test_credentials_are_checked_before_the_report_is_looked_up(client, usage):
    response, data = get(client, "/reports/dr_d1", customer_id="nobody", requestor_id="x")
    assert (response.status_code, data["Code"]) == (403, 2010)


def test_an_institution_cannot_read_another_institutions_usage_with_its_key(client, usage):
    response, data = get(client, "/reports/tr", customer_id="campus-1", api_key="other-key",
                         requestor_id="nobody", **RANGE)  # fmt: skip
    assert response.status_code in (401, 403) and data["Code"] in (2000, 2010)


# -- status, reports, members ------------------------------------------------------------


def test_status_is_public(client, db):
    response, data = get(client, "/status")
    assert response.status_code == 200
    assert_valid(response_schema("200_Status"), data)
    assert data[0]["Service_Active"] is True


def test_report_list_names_the_nine_reports_and_the_months_available(client, usage):
    response, data = get(client, "/reports", **CAMPUS)
    assert response.status_code == 200
    assert_valid(response_schema("200_Reports"), data)
    assert [r["Report_ID"] for r in data] == [
        "PR", "PR_P1", "TR", "TR_J1", "TR_J2", "TR_J3", "TR_J4", "IR", "IR_A1"
    ]  # fmt: skip
    assert {(r["First_Month_Available"], r["Last_Month_Available"]) for r in data} == {
        ("2025-01", "2025-03")
    }
    assert data[3]["Path"] == "/r51/reports/tr_j1"


def test_report_list_and_members_need_credentials(client, usage):
    for route in ("/reports", "/members"):
        response, data = get(client, route, customer_id="campus-1", requestor_id="wrong")
        assert (response.status_code, data["Code"]) == (401, 2000)
        assert_valid(response_schema("401_Exception"), data)


def test_members_is_the_customer_itself(client, usage):
    response, data = get(client, "/members", **CAMPUS)
    assert_valid(response_schema("200_Members"), data)
    assert data == [
        {
            "Customer_ID": "campus-1",
            "Institution_Name": "Campus University",
            "Institution_ID": {"Proprietary": ["masthead:campus-1"]},
            "Requestor_ID": "campus-req",
        }
    ]
    _, world = get(client, "/members", **WORLD)
    assert world[0]["Institution_Name"] == "The World"
    assert world[0]["Institution_ID"] == {"Proprietary": [f"masthead:{WORLD_ID}"]}
