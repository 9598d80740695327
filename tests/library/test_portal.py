"""What a librarian sees and downloads on the library portal."""

import json
import re

import pytest
from django.template import Context, Template

from masthead.access.models import Institution, IPRange, Licence
from masthead.library.models import ChangeRequest, InstitutionAdministrator
from masthead.usage.models import SushiCredential
from tests.conftest import SHARED
from tests.library.conftest import OLD_KEY

API = SHARED / "counter" / "COUNTER_SUSHI_API.json"
PERIOD = {"begin": "2025-01", "end": "2025-03"}


def url(institution, tail=""):
    return f"/library/{institution.pk}/{tail}"


def test_one_institution_goes_straight_to_its_page(lib_client, campus):
    response = lib_client.get("/library/")
    assert response.status_code == 302 and response["Location"] == url(campus)


def test_several_institutions_get_a_chooser(lib_client, librarian, campus):
    second = Institution.objects.create(name="Second Campus")
    InstitutionAdministrator.objects.create(user=librarian, institution=second)
    page = lib_client.get("/library/").content.decode()
    assert url(campus) in page and url(second) in page
    assert "Rival College" not in page
    assert "Your other institutions" in lib_client.get(url(second)).content.decode()


def test_overview_shows_licences_ranges_idps_credentials(lib_client, campus):
    response = lib_client.get(url(campus))
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    for shown in (
        "Demo University",
        "Test Journal",
        "203.0.113.0/24",
        "2001:db8:5::/48",
        "https://idp.demo-uni.example/idp",
        "uni-1",
        "uni-req",
    ):
        assert shown in page, shown
    assert "<td>set</td>" in page
    assert OLD_KEY not in page
    for hidden in ("Rival", "Only For Others", "198.51.100.0/24", "rival-1"):
        assert hidden not in page, hidden


def test_kbart_lists_only_the_institutions_holdings(lib_client, campus):
    response = lib_client.get(url(campus, "kbart.txt"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/tab-separated-values")
    assert 'filename="Masthead_DemoUniversity_Holdings_' in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("publication_title\tprint_identifier\tonline_identifier")
    assert len(lines) == 2 and lines[1].startswith("Test Journal\t5555-0010\t5555-0029")


def test_usage_page_charts_the_institutions_months(lib_client, campus):
    response = lib_client.get(url(campus, "usage/"), PERIOD)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page and 'role="img"' in page
    assert "2025-02: 12" in page  # the chart's description states the values
    assert "777" not in page and "5,000" not in page and "5000" not in page
    assert 'value="tr_j1"' in page and 'value="ir_a1"' in page


def test_usage_page_refuses_a_bad_month_with_the_reason(lib_client, campus):
    response = lib_client.get(url(campus, "usage/"), {"begin": "2025-13"})
    assert response.status_code == 400
    assert "the month must be 01 to 12" in response.content.decode()


def _schema_validator(report_id):
    from tests.usage.test_sushi import assert_valid, component

    return lambda data: assert_valid(component(report_id.upper()), data)


@pytest.mark.parametrize("report_id", ["tr_j1", "tr_j3", "pr", "tr", "ir"])
def test_json_report_is_valid_counter_for_the_institution(lib_client, campus, rival, report_id):
    # The form is sent with the rival's customer_id and id: it is the librarian's report.
    query = {"report": report_id, **PERIOD, "customer_id": "rival-1", "customer": rival.pk}
    response = lib_client.get(url(campus, "report.json"), query)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{report_id.upper()}_2025-01_2025-03.json"'
    )
    data = json.loads(response.content)
    head = data["Report_Header"]
    assert head["Institution_Name"] == "Demo University"
    assert head["Institution_ID"] == {"Proprietary": ["masthead:uni-1"]}
    assert "777" not in response.content.decode()
    assert data["Report_Items"]
    if API.is_file():
        _schema_validator(report_id)(data)


def test_tsv_report_has_the_counter_header_and_the_numbers(lib_client, campus):
    response = lib_client.get(url(campus, "report.tsv"), {"report": "tr_j1", **PERIOD})
    assert response.status_code == 200
    rows = [line.split("\t") for line in response.content.decode().splitlines()]
    assert rows[0][:2] == ["Report_Name", "Journal Requests (Controlled)"]
    assert rows[3][:2] == ["Institution_Name", "Demo University"]
    data = [r for r in rows if r and r[0] == "Test Journal"]
    assert data and "Total_Item_Requests" in data[0] and "12" in data[0]


def test_an_unknown_report_is_400(lib_client, campus):
    response = lib_client.get(url(campus, "report.json"), {"report": "xx", **PERIOD})
    assert response.status_code == 400


def test_new_api_key_works_with_sushi_and_the_old_one_stops(lib_client, client, campus):
    credential = SushiCredential.objects.get(customer_id="uni-1")
    response = lib_client.post(url(campus, f"sushi/{credential.pk}/new-key"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    new_key = re.search(r'id="api-key" type="text" readonly size="48" value="([^"]+)"',
                        response.content.decode())[1]  # fmt: skip
    credential.refresh_from_db()
    assert new_key not in credential.api_key_sha256 and len(credential.api_key_sha256) == 64
    params = {"customer_id": "uni-1", "requestor_id": "uni-req",
              "begin_date": "2025-01", "end_date": "2025-03"}  # fmt: skip
    ok = client.get("/sushi/r51/reports/tr_j1", {**params, "api_key": new_key})
    assert ok.status_code == 200, ok.content
    assert ok.json()["Report_Header"]["Institution_Name"] == "Demo University"
    old = client.get("/sushi/r51/reports/tr_j1", {**params, "api_key": OLD_KEY})
    assert old.status_code == 401 and old.json()["Code"] == 2020
    # The key is shown once: the portal shows that one is set, never the key.
    assert new_key not in lib_client.get(url(campus)).content.decode()


def test_issuing_a_key_needs_a_post(lib_client, campus):
    credential = SushiCredential.objects.get(customer_id="uni-1")
    before = credential.api_key_sha256
    assert lib_client.get(url(campus, f"sushi/{credential.pk}/new-key")).status_code == 405
    credential.refresh_from_db()
    assert credential.api_key_sha256 == before


def test_change_request_is_stored_mailed_and_shown(lib_client, admin_client, campus, settings,
                                                    mailoutbox):  # fmt: skip
    settings.MANAGERS = [("Customer services", "customers@press.example")]
    form = lib_client.get(url(campus, "change/"), {"kind": "ip_ranges"}).content.decode()
    assert 'value="ip_ranges" selected' in form
    response = lib_client.post(
        url(campus, "change/"),
        {"kind": "ip_ranges", "text": "Our new library wing.", "proposed_range": "8.8.8.0/24"},
    )
    assert response.status_code == 302 and response["Location"] == url(campus)
    change = ChangeRequest.objects.get(institution=campus)
    assert (change.kind, change.proposed_range, change.status) == (
        "ip_ranges",
        "8.8.8.0/24",
        "open",
    )
    assert change.requested_by.username == "librarian"
    [mail] = mailoutbox
    assert mail.to == ["customers@press.example"]
    assert mail.reply_to == ["librarian@demo-uni.example"]
    assert "Demo University" in mail.subject and "8.8.8.0/24" in mail.body
    assert f"/admin/library/changerequest/{change.pk}/change/" in mail.body
    page = lib_client.get(url(campus)).content.decode()
    assert "Our new library wing." in page and "Open" in page
    listing = admin_client.get("/admin/library/changerequest/").content.decode()
    assert "Demo University" in listing
    admin_page = f"/admin/library/changerequest/{change.pk}/change/"
    assert "Our new library wing." in admin_client.get(admin_page).content.decode()
    answered = admin_client.post(admin_page, {"status": "done", "answer": "Added on Monday."})
    assert answered.status_code == 302
    change.refresh_from_db()
    assert change.answered_at is not None
    page = lib_client.get(url(campus)).content.decode()
    assert "Added on Monday." in page and "Done" in page


def test_without_managers_the_mail_goes_to_the_default_from_mailbox(
    lib_client, campus, settings, mailoutbox
):
    settings.MANAGERS = []
    settings.DEFAULT_FROM_EMAIL = "Press <press@publisher.example>"
    lib_client.post(url(campus, "change/"), {"kind": "saml", "text": "New IdP entityID."})
    assert [m.to for m in mailoutbox] == [["press@publisher.example"]]


@pytest.mark.parametrize(
    "data, error",
    [
        ({"kind": "ip_ranges", "text": "x", "proposed_range": "not a range"}, "not an IP range"),
        ({"kind": "ip_ranges", "text": "x", "proposed_range": "10.0.0.0/8"}, "not a public range"),
        ({"kind": "saml", "text": "x", "proposed_range": "8.8.8.0/24"}, "goes with an IP range"),
        ({"kind": "ip_ranges", "text": "", "proposed_range": ""}, "This field is required"),
        ({"kind": "dns", "text": "x"}, "Select a valid choice"),
    ],
)
def test_a_bad_change_request_is_refused_and_nothing_is_lost(lib_client, campus, data, error):
    response = lib_client.post(url(campus, "change/"), {**data, "text": data["text"] or ""})
    page = response.content.decode()
    assert response.status_code == 200 and error in page
    assert not ChangeRequest.objects.filter(institution=campus).exists()
    if data.get("proposed_range"):
        assert f'value="{data["proposed_range"]}"' in page


def test_change_request_needs_csrf(client, librarian, campus):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(librarian)
    response = strict.post(url(campus, "change/"), {"kind": "saml", "text": "x"})
    assert response.status_code == 403
    assert not ChangeRequest.objects.exists()


def test_a_hostile_institution_name_renders_inert(client, librarian, campus, mailoutbox, settings):
    settings.MANAGERS = [("Press", "press@publisher.example")]
    campus.name = '<script>alert("x")</script>\nEvil'
    campus.save()
    client.force_login(librarian)
    for tail in ("", "usage/", "change/"):
        page = client.get(url(campus, tail), PERIOD).content.decode()
        assert "<script>alert" not in page, tail
        assert "&lt;script&gt;alert" in page, tail
    client.post(url(campus, "change/"), {"kind": "saml", "text": "x"})
    assert "\n" not in mailoutbox[0].subject


def test_overview_queries_are_bounded(lib_client, campus, journal, django_assert_max_num_queries):
    for i in range(10):
        IPRange.objects.create(institution=campus, text=f"8.8.{i}.0/24")
        Licence.objects.create(institution=campus, journal=journal, starts_on="2021-01-01")
        SushiCredential.objects.create(name=f"c{i}", institution=campus, customer_id=f"c-{i}")
        ChangeRequest.objects.create(institution=campus, kind="saml", text=f"r{i}")
    with django_assert_max_num_queries(8):
        response = lib_client.get(url(campus))
    assert response.content.decode().count("Issue a new API key") == 11


def test_admins_manage_librarians_with_autocomplete(admin_client):
    page = admin_client.get("/admin/library/institutionadministrator/add/").content.decode()
    assert "admin-autocomplete" in page


def test_library_link_tag_only_for_librarians(librarian, django_user_model, rival):
    template = Template("{% load library %}{% library_link user %}")
    reader = django_user_model.objects.create_user("reader", password="pw")
    assert "/library/" in template.render(Context({"user": librarian}))
    assert template.render(Context({"user": reader})) == ""
