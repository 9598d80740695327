"""A real SUSHI client (celus-nigiri, as used by Celus) harvests our server over HTTP."""

import datetime as dt
import io

import celus_nigiri.client as nigiri
import pytest

from masthead.access.models import Institution
from masthead.usage.models import DailyUsage, ProcessedDay, SushiCredential
from masthead.usage.sushi_auth import api_key_hash

D = dt.date
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def harvested(make_article):
    """Jan-Feb 2025 of a campus's usage, and the campus's SUSHI credentials."""
    campus = Institution.objects.create(name="Campus University")
    SushiCredential.objects.create(
        name="Campus", institution=campus, customer_id="campus-1", requestor_id="campus-req",
        api_key_sha256=api_key_hash("s3cret"),
    )  # fmt: skip
    article = make_article(published_online=D(2024, 3, 1))
    ProcessedDay.objects.bulk_create(
        ProcessedDay(day=D(2025, 1, 1) + dt.timedelta(days=i), events=1, robots_version="t")
        for i in range(59)
    )

    def row(day, metric, count, institution_id, access_type="Controlled"):
        return DailyUsage(
            day=day, title_id=article.journal_id, item_id=article.pk,
            institution_id=institution_id, yop=2024, access_type=access_type,
            access_method="Regular", metric_type=metric, count=count,
        )  # fmt: skip

    DailyUsage.objects.bulk_create(
        [
            row(D(2025, 1, 10), "Total_Item_Requests", 12, campus.pk),
            row(D(2025, 1, 11), "Total_Item_Requests", 3, campus.pk),
            row(D(2025, 1, 10), "Unique_Item_Requests", 9, campus.pk),
            row(D(2025, 2, 4), "Total_Item_Requests", 6, campus.pk, "Open"),
            row(D(2025, 2, 4), "Unique_Item_Requests", 2, campus.pk, "Open"),
            row(D(2025, 2, 4), "No_License", 1, campus.pk),
            row(D(2025, 1, 10), "Total_Item_Requests", 500, None),  # the world's, not theirs
        ]
    )


def harvest(live_server, report_type, **credentials):
    client = nigiri.Sushi51Client(
        f"{live_server.url}/sushi",
        credentials.pop("customer_id"),
        requestor_id=credentials.pop("requestor_id", None),
        extra_params=credentials,
    )
    buffer = io.BytesIO()
    report = client.get_report_data(
        report_type, D(2025, 1, 1), D(2025, 2, 28), output_content=buffer
    )
    header, items = report.fd_to_dicts(buffer)
    return report, header, list(report.read_report(header, items))


def test_a_harvester_gets_the_numbers_we_put_in(live_server, harvested):
    report, header, records = harvest(
        live_server, "tr", customer_id="campus-1", requestor_id="campus-req", api_key="s3cret"
    )
    assert not report.errors and not report.warnings, report.errors or report.warnings
    assert header["Institution_Name"] == "Campus University"
    got = {(r.metric, r.start, r.dimension_data["Access_Type"]): r.value for r in records}
    assert got == {
        ("Total_Item_Requests", D(2025, 1, 1), "Controlled"): 15,
        ("Unique_Item_Requests", D(2025, 1, 1), "Controlled"): 9,
        ("No_License", D(2025, 2, 1), "Controlled"): 1,
        ("Total_Item_Requests", D(2025, 2, 1), "Open"): 6,
        ("Unique_Item_Requests", D(2025, 2, 1), "Open"): 2,
    }
    first = records[0]
    assert first.title == "Test Journal"
    assert first.title_ids.Print_ISSN == "5555-0010"
    assert first.title_ids.Online_ISSN == "5555-0029"
    assert {r.dimension_data["YOP"] for r in records} == {"2024"}
    assert {r.dimension_data["Access_Method"] for r in records} == {"Regular"}


def test_a_harvester_with_a_wrong_key_gets_a_counter_error(live_server, harvested):
    report, _, records = harvest(
        live_server, "tr", customer_id="campus-1", requestor_id="campus-req", api_key="guess"
    )
    assert records == []
    assert {str(e.code) for e in report.errors} == {"2020"}
    assert report.http_status_code == 401
