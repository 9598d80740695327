"""The staff usage pages: charts and tables from DailyUsage, COUNTER reports on demand."""

import json
from datetime import date

import pytest

from masthead.access.models import Institution
from masthead.catalog.models import Journal
from masthead.usage.models import DailyUsage, ProcessedDay, SushiCredential
from tests.usage.rollups import daily_usage

pytestmark = pytest.mark.django_db

BASE = "/back-office/usage/"
TII, TIR = "Total_Item_Investigations", "Total_Item_Requests"
PERIOD = "begin=2026-01&end=2026-03"


def usage(article, day, metric, count, *, institution=None, method="Regular"):
    return daily_usage(
        day, article.pk, metric, count, title_id=article.journal_id,
        institution_id=institution, access_method=method,
    )  # fmt: skip


@pytest.fixture
def used(journal, make_article):
    """Two articles: 1234 investigations in January (and 77 requests), 0 in February,
    9 in March; an institution's share; TDM usage that charts leave out."""
    first, second = make_article(), make_article(title="Second <i>article</i>")
    institution = Institution.objects.create(name="Demo University")
    DailyUsage.objects.bulk_create(
        [
            usage(first, date(2026, 1, 3), TII, 1200),
            usage(first, date(2026, 1, 4), TII, 34),
            usage(first, date(2026, 1, 4), TIR, 77),
            usage(second, date(2026, 3, 9), TII, 9),
            usage(second, date(2026, 3, 9), TIR, 88),
            usage(first, date(2026, 3, 9), TII, 5000, method="TDM"),
            usage(first, date(2026, 1, 4), TII, 12, institution=institution.pk),
        ]
    )
    ProcessedDay.objects.create(day=date(2026, 3, 31), events=1, robots_version="test")
    return {"first": first, "second": second, "institution": institution}


def test_anonymous_and_readers_are_refused(client, django_user_model, used):
    urls = [
        BASE,
        f"{BASE}journal/tj/",
        f"{BASE}article/{used['first'].pk}/",
        f"{BASE}report/?report=tr_j3&{PERIOD}",
        f"{BASE}report.json?report=tr_j3&{PERIOD}",
        f"{BASE}report.tsv?report=tr_j3&{PERIOD}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    reader = django_user_model.objects.create_user("reader", password="pw")
    client.force_login(reader)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
        assert b"1234" not in response.content


def test_overview_chart_and_journal_table(admin_client, used):
    response = admin_client.get(f"{BASE}?{PERIOD}")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    page = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert 'data-month="2026-02" data-value="0"' in page  # the empty month is there
    assert 'data-month="2026-01" data-value="1234"' in page  # Regular only, summed
    assert 'data-value="5034"' not in page and "5000" not in page  # TDM is not charted
    assert "Test Journal: monthly usage, The World" in page
    assert f'href="{BASE}journal/tj/?begin=2026-01' in page
    assert 'option value="tr_j3"' in page and "Demo University" in page


def test_overview_picks_a_journal_and_a_customer(admin_client, used, journal):
    other = Journal.objects.create(publisher=journal.publisher, code="aa", title="Alpha")
    page = admin_client.get(f"{BASE}?{PERIOD}").content.decode()
    assert "Alpha: monthly usage" in page  # the first by title
    page = admin_client.get(f"{BASE}?journal=tj&{PERIOD}").content.decode()
    assert 'data-month="2026-01" data-value="1234"' in page
    institution = used["institution"].pk
    page = admin_client.get(f"{BASE}?journal=tj&customer={institution}&{PERIOD}").content.decode()
    assert 'data-month="2026-01" data-value="12"' in page
    assert "Demo University" in page
    assert other.pk


def test_journal_page_lists_most_used_articles(admin_client, used):
    page = admin_client.get(f"{BASE}journal/tj/?{PERIOD}").content.decode()
    assert 'data-month="2026-03" data-value="88"' in page
    second, first = (
        page.index(f"{BASE}article/{used['second'].pk}/"),
        page.index(f"{BASE}article/{used['first'].pk}/"),
    )
    assert second < first  # 88 requests before 77
    assert "Second &lt;i&gt;article&lt;/i&gt;" in page
    assert "<i>article</i>" not in page
    assert admin_client.get(f"{BASE}journal/nope/").status_code == 404


def test_article_page(admin_client, used):
    page = admin_client.get(f"{BASE}article/{used['first'].pk}/?{PERIOD}").content.decode()
    assert 'data-month="2026-01" data-value="1234"' in page
    assert 'data-month="2026-03" data-value="0"' in page
    assert "<td>1234</td>" in page and "<td>77</td>" in page
    assert admin_client.get(f"{BASE}article/999999/").status_code == 404
    assert admin_client.get(f"{BASE}article/99999999999999999999999/").status_code == 404


def test_default_period_is_the_last_twelve_months(admin_client, used):
    page = admin_client.get(BASE).content.decode()
    assert page.count('<rect x="') >= 24  # 12 months x 2 series
    # Only one end given: a one-month period rather than a backwards one.
    page = admin_client.get(f"{BASE}?end=2026-01").content.decode()
    assert 'data-month="2026-01" data-value="1234"' in page
    assert admin_client.get(f"{BASE}?begin=2030-01").status_code == 200


def test_hostile_journal_title_is_escaped(admin_client, journal):
    Journal.objects.filter(pk=journal.pk).update(title='<script>alert("x")</script>')
    page = admin_client.get(BASE).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


@pytest.mark.parametrize(
    "query",
    [
        "begin=2026-13",
        "begin=garbage",
        "end=2026-1",
        "begin=2026-05&end=2026-01",
        "begin=1990-01&end=2026-01",
        "customer=nobody",
        "customer=999999",
        "customer=99999999999999999999999999",
        "customer=%C2%B2",
        "journal=nope",
    ],
)
def test_bad_parameters_are_400(admin_client, used, query):
    for url in (BASE, f"{BASE}journal/tj/", f"{BASE}article/{used['first'].pk}/"):
        if "journal=" in query and url != BASE:
            continue
        response = admin_client.get(f"{url}?{query}")
        assert response.status_code == 400, (url, query)
        assert b'role="alert"' in response.content


@pytest.mark.parametrize(
    "query",
    [
        f"report=xx_j9&{PERIOD}",
        PERIOD,
        "report=tr_j3&begin=2026-02-01&end=2026-03",
        "report=tr_j3&begin=2026-04&end=2026-03",
        "report=tr_j3&customer=999999&begin=2026-01&end=2026-03",
    ],
)
def test_bad_report_parameters_are_400(admin_client, used, query):
    for view in ("report/", "report.json", "report.tsv"):
        response = admin_client.get(f"{BASE}{view}?{query}")
        assert response.status_code == 400, (view, query)
        assert b'role="alert"' in response.content


# -- COUNTER reports (build_report and to_tsv from usage.reports / usage.tabular) -----------


def _metric_rows(report: dict, metric: str) -> list[dict]:
    found = []
    for item in report["Report_Items"]:
        for child in item.get("Items", [item]):
            for perf in child.get("Attribute_Performance", []):
                if metric in perf.get("Performance", {}):
                    found.append(perf["Performance"][metric])
    return found


def test_report_page_and_downloads(admin_client, used):
    query = f"report=tr_j3&customer=world&{PERIOD}"
    page = admin_client.get(f"{BASE}report/?{query}").content.decode()
    assert "TR_J3" in page and "The World" in page
    assert '<th scope="col">2026-02</th>' in page
    assert "<td>1234</td>" in page
    assert "Download JSON" in page and "Download tab-separated" in page

    response = admin_client.get(f"{BASE}report.json?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == 'attachment; filename="TR_J3_2026-01_2026-03.json"'
    report = json.loads(response.content)
    assert report["Report_Header"]["Report_ID"] == "TR_J3"
    investigations = _metric_rows(report, TII)
    assert sum(months.get("2026-01", 0) for months in investigations) == 1234

    response = admin_client.get(f"{BASE}report.tsv?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/tab-separated-values")
    assert response["Content-Disposition"] == 'attachment; filename="TR_J3_2026-01_2026-03.tsv"'
    lines = response.content.decode().splitlines()
    assert lines[0].split("\t") == ["Report_Name", "Journal Usage by Access Type"]
    columns = next(line.split("\t") for line in lines if line.startswith("Title\t"))
    assert columns[-4:] == ["Reporting_Period_Total", "Jan-2026", "Feb-2026", "Mar-2026"]
    rows = [
        dict(zip(columns, line.split("\t"), strict=True)) for line in lines if f"\t{TII}\t" in line
    ]
    row = next(r for r in rows if r.get("Metric_Type") == TII)
    assert row["Title"] == "Test Journal" and row["Access_Type"] == "Controlled"
    assert (row["Jan-2026"], row["Feb-2026"], row["Mar-2026"]) == ("1234", "0", "9")
    assert row["Reporting_Period_Total"] == "1243"  # TDM is not in TR_J3


def test_master_report_shows_tdm_apart(admin_client, used):
    page = admin_client.get(f"{BASE}report/?report=tr&{PERIOD}").content.decode()
    assert '<th scope="col">Access_Method</th>' in page
    assert "<td>TDM</td>" in page and "<td>5000</td>" in page


def test_report_customer_id_is_the_sushi_customer_id(admin_client, used):
    SushiCredential.objects.create(
        name="Demo", institution=used["institution"], customer_id="demo-u-42"
    )
    query = f"report=pr_p1&customer={used['institution'].pk}&{PERIOD}"
    report = admin_client.get(f"{BASE}report.json?{query}").json()
    assert "demo-u-42" in json.dumps(report["Report_Header"]["Institution_ID"])


def test_report_ids_are_those_of_the_reports_module():
    from masthead.usage.backoffice import REPORTS
    from masthead.usage.reports import REPORT_IDS

    assert tuple(r for r, _ in REPORTS) == REPORT_IDS


def test_report_for_an_institution(admin_client, used):
    institution = used["institution"]
    query = f"report=tr_j3&customer={institution.pk}&{PERIOD}"
    report = admin_client.get(f"{BASE}report.json?{query}").json()
    assert report["Report_Header"]["Institution_Name"] == "Demo University"
    assert sum(m.get("2026-01", 0) for m in _metric_rows(report, TII)) == 12
    page = admin_client.get(f"{BASE}report/?{query}").content.decode()
    assert "Demo University" in page and "<td>12</td>" in page


@pytest.mark.parametrize(
    "report_id", ["pr", "pr_p1", "tr", "tr_j1", "tr_j2", "tr_j3", "tr_j4", "ir", "ir_a1"]
)
def test_every_report_renders_and_downloads(admin_client, used, report_id):
    query = f"report={report_id}&{PERIOD}"
    assert admin_client.get(f"{BASE}report/?{query}").status_code == 200
    report = admin_client.get(f"{BASE}report.json?{query}").json()
    assert report["Report_Header"]["Report_ID"] == report_id.upper()
    tsv = admin_client.get(f"{BASE}report.tsv?{query}")
    assert tsv.status_code == 200 and tsv.content.decode().startswith("Report_Name\t")


def test_report_shows_exceptions_for_months_not_processed(admin_client, used):
    page = admin_client.get(f"{BASE}report/?report=tr_j3&begin=2026-01&end=2026-05").content
    page = page.decode()
    assert "3031" in page  # April and May are not processed yet
    assert '<th scope="col">2026-03</th>' in page and '<th scope="col">2026-04</th>' not in page


def test_overview_queries_are_few(admin_client, used, django_assert_max_num_queries):
    admin_client.get(BASE)  # the session and user are loaded once per request anyway
    with django_assert_max_num_queries(8):
        assert admin_client.get(f"{BASE}?{PERIOD}").status_code == 200


def test_staff_find_the_usage_pages_from_every_page(admin_client, client, journal):
    link = f'href="{BASE}"'
    assert link in admin_client.get("/").content.decode()
    assert link not in client.get("/").content.decode()
