"""COUNTER R5.1 reports from the daily rollups: the shaping (pure) and the numbers (DB)."""

import datetime as dt

import pytest
from django.db import connection

from masthead.access.models import Institution
from masthead.catalog.models import Journal, Publisher
from masthead.usage import report_format as fmt
from masthead.usage.models import DailyUsage, ProcessedDay
from masthead.usage.reports import REPORT_IDS, ReportRequest, build_report, explain
from tests.usage.rollups import daily_usage

D = dt.date
TODAY = D(2025, 6, 15)

# -- pure --------------------------------------------------------------------------------


def test_the_nine_reports_are_known_by_their_path_ids():
    assert REPORT_IDS == ("pr", "pr_p1", "tr", "tr_j1", "tr_j2", "tr_j3", "tr_j4", "ir", "ir_a1")


def test_standard_view_presets_are_in_the_header_whatever_was_asked():
    plan = fmt.plan("tr_j1", {"Metric_Type": ("No_License",), "Access_Type": ("Open",)})
    assert plan.metrics == ("Total_Item_Requests", "Unique_Item_Requests")
    assert plan.access_types == ("Controlled",) and plan.access_methods == ("Regular",)
    assert list(plan.header_filters) == ["Metric_Type", "Data_Type", "Access_Type", "Access_Method"]
    assert plan.header_attributes == {}


def test_invalid_filter_and_attribute_values_are_ignored_and_reported():
    plan = fmt.plan(
        "tr",
        {"Metric_Type": ("Total_Item_Requests", "Bogus"), "YOP": ("2020-2018", "2021"),
         "Access_Method": ("TDM",)},
        attributes_to_show=("Access_Type", "Colour"),
        granularity="Weekly",
    )  # fmt: skip
    assert plan.metrics == ("Total_Item_Requests",)
    assert plan.yops == ((2021, 2021),)
    assert plan.access_methods == ("TDM",)
    assert plan.shown == ("Access_Type",)
    assert plan.granularity == "Month"
    codes = {e["Code"]: e["Data"] for e in plan.exceptions}
    assert "Metric_Type=Bogus" in codes[3060] and "YOP=2020-2018" in codes[3060]
    assert "Attributes_To_Show=Colour" in codes[3062] and "Granularity=Weekly" in codes[3062]


def test_a_data_type_this_platform_has_not_leaves_the_report_empty():
    assert fmt.plan("tr", {"Data_Type": ("Book",)}).data_type_excluded
    assert not fmt.plan("tr", {"Data_Type": ("Book", "Journal")}).data_type_excluded
    assert not fmt.plan("ir", {"Data_Type": ("Article",)}).data_type_excluded


def test_months_not_processed_yet_are_3031_and_the_end_date_comes_back():
    p = fmt.period(D(2025, 1, 1), D(2025, 12, 31), D(2024, 1, 1), D(2025, 5, 31))
    assert p.end == D(2025, 5, 31) and p.query == (D(2025, 1, 1), D(2025, 5, 31))
    assert [e["Code"] for e in p.exceptions] == [3031]
    assert "only available to 2025-05-31" in p.exceptions[0]["Data"]


def test_months_before_the_first_processed_are_3032():
    p = fmt.period(D(2023, 1, 1), D(2024, 3, 31), D(2024, 1, 1), D(2025, 5, 31))
    assert p.begin == D(2023, 1, 1) and p.query == (D(2024, 1, 1), D(2024, 3, 31))
    assert [e["Code"] for e in p.exceptions] == [3032]
    nothing = fmt.period(D(2022, 1, 1), D(2022, 12, 31), D(2024, 1, 1), D(2025, 5, 31))
    assert nothing.query is None and [e["Code"] for e in nothing.exceptions] == [3032]


def test_nothing_processed_is_3031_for_everything():
    p = fmt.period(D(2025, 1, 1), D(2025, 1, 31), None, None)
    assert p.query is None and [e["Code"] for e in p.exceptions] == [3031]


def test_a_month_is_ready_only_when_its_last_day_is_processed_and_it_is_over():
    assert fmt.ready_through(D(2025, 5, 31), TODAY) == D(2025, 5, 31)
    assert fmt.ready_through(D(2025, 5, 30), TODAY) == D(2025, 4, 30)
    assert fmt.ready_through(D(2025, 6, 14), TODAY) == D(2025, 5, 31)  # June is not over


def _rows(*specs):
    return [fmt.UsageRow(*s) for s in specs]


def test_zero_usage_is_omitted_at_every_level():
    plan = fmt.plan("tr", {}, ("Access_Type",))
    period = fmt.period(D(2025, 1, 1), D(2025, 2, 28), D(2025, 1, 1), D(2025, 2, 28))
    rows = [
        fmt.UsageRow(1, "2025-01", "Total_Item_Requests", 3, access_type="Open"),
        fmt.UsageRow(1, "2025-02", "Total_Item_Requests", 0, access_type="Open"),
        fmt.UsageRow(1, "2025-01", "Unique_Item_Requests", 0, access_type="Controlled"),
        fmt.UsageRow(2, "2025-01", "Total_Item_Requests", 0, access_type="Open"),
    ]
    titles = {1: {"Title": "J", "Publisher": "P", "Item_ID": {"Print_ISSN": "1234-5678"}}}
    items = fmt.report_items(plan, period, rows, platform="Pf", titles=titles)
    assert items == [
        {
            "Title": "J",
            "Publisher": "P",
            "Platform": "Pf",
            "Item_ID": {"Print_ISSN": "1234-5678"},
            "Attribute_Performance": [
                {
                    "Data_Type": "Journal",
                    "Access_Type": "Open",
                    "Performance": {"Total_Item_Requests": {"2025-01": 3}},
                }
            ],
        }
    ]


def test_granularity_total_sums_the_period_into_one_count():
    plan = fmt.plan("pr", {}, granularity="Total")
    period = fmt.period(D(2025, 1, 1), D(2025, 3, 31), D(2025, 1, 1), D(2025, 3, 31))
    rows = [
        fmt.UsageRow(None, "2025-01", "Total_Item_Requests", 3),
        fmt.UsageRow(None, "2025-03", "Total_Item_Requests", 4),
        fmt.UsageRow(None, "2025-03", "Unique_Item_Requests", 2),
    ]
    [item] = fmt.report_items(plan, period, rows, platform="Pf")
    assert item["Attribute_Performance"][0]["Performance"] == {
        "Total_Item_Requests": {"2025-01": 7},
        "Unique_Item_Requests": {"2025-01": 2},
    }
    assert plan.header_attributes == {"Granularity": "Total"}


def test_unknown_year_of_publication_is_0001():
    assert fmt.yop_text(None) == "0001" and fmt.yop_text(2019) == "2019"


# -- from the database -------------------------------------------------------------------

CTRL, OPEN = "Controlled", "Open"
TIR, UIR, TII, UII = (
    "Total_Item_Requests",
    "Unique_Item_Requests",
    "Total_Item_Investigations",
    "Unique_Item_Investigations",
)


def usage(day, article, metric, count, *, institution=None, yop=2023, at=CTRL, am="Regular"):
    return daily_usage(
        day, article.pk, metric, count, title_id=article.journal_id,
        institution_id=institution.pk if institution else None, yop=yop, access_type=at,
        access_method=am,
    )  # fmt: skip


@pytest.fixture
def campus(db):
    return Institution.objects.create(name="Campus University")


@pytest.fixture
def rollups(make_article, campus):
    """Jan-Mar 2025 processed; usage of two articles of the test journal."""
    a1 = make_article(title="Alpha", published_online=D(2023, 2, 1))
    a2 = make_article(title="Beta", is_open_access=True, published_online=D(2024, 5, 1))
    ProcessedDay.objects.bulk_create(
        ProcessedDay(day=D(2025, 1, 1) + dt.timedelta(days=i), events=1, robots_version="t")
        for i in range(90)
    )
    DailyUsage.objects.bulk_create(
        [
            # All usage ("The World"): two days in January add up.
            usage(D(2025, 1, 3), a1, TIR, 5),
            usage(D(2025, 1, 20), a1, TIR, 2),
            usage(D(2025, 1, 3), a1, UIR, 4),
            usage(D(2025, 1, 20), a1, UIR, 2),
            usage(D(2025, 1, 3), a1, TII, 9),
            usage(D(2025, 1, 3), a1, UII, 6),
            usage(D(2025, 3, 9), a2, TIR, 8, at=OPEN, yop=2024),
            usage(D(2025, 3, 9), a2, UIR, 3, at=OPEN, yop=2024),
            usage(D(2025, 2, 1), a1, TIR, 11, am="TDM"),
            usage(D(2025, 2, 1), a1, UIR, 1, am="TDM"),
            usage(D(2025, 2, 2), a1, "No_License", 4),
            # The campus's share of it.
            usage(D(2025, 1, 3), a1, TIR, 5, institution=campus),
            usage(D(2025, 1, 3), a1, UIR, 4, institution=campus),
        ]
    )
    return a1, a2


JAN, MAR_END = D(2025, 1, 1), D(2025, 3, 31)


def req(report_id, begin=JAN, end=MAR_END, institution=None, **kw):
    return ReportRequest(
        report_id=report_id, begin=begin, end=end,
        institution_id=institution.pk if institution else None,
        customer_id="0000000000000000" if institution is None else "campus",
        institution_name="The World" if institution is None else institution.name, **kw,
    )  # fmt: skip


def perf(report, title=None):
    items = report["Report_Items"]
    if title is not None:
        items = [i for i in items if i.get("Title") == title]
    return [ap for item in items for ap in item["Attribute_Performance"]]


def test_title_report_sums_days_into_months_for_the_world(rollups):
    report = build_report(req("tr", attributes_to_show=("Access_Method",)), today=TODAY)
    assert report["Report_Header"]["Institution_Name"] == "The World"
    [item] = report["Report_Items"]
    assert item["Title"] == "Test Journal" and item["Publisher"] == "Test Press"
    assert item["Item_ID"]["Print_ISSN"] == "5555-0010"
    assert item["Item_ID"]["Online_ISSN"] == "5555-0029"
    by_method = {ap["Access_Method"]: ap["Performance"] for ap in item["Attribute_Performance"]}
    assert by_method["Regular"][TIR] == {"2025-01": 7, "2025-03": 8}
    assert by_method["Regular"][UIR] == {"2025-01": 6, "2025-03": 3}
    assert by_method["Regular"]["No_License"] == {"2025-02": 4}
    assert by_method["TDM"][TIR] == {"2025-02": 11}  # TDM kept apart, never summed in
    assert "Exceptions" not in report["Report_Header"]


def test_an_institution_sees_only_its_share(rollups, campus):
    report = build_report(req("tr_j1", institution=campus), today=TODAY)
    assert report["Report_Header"]["Institution_Name"] == "Campus University"
    [ap] = perf(report)
    assert ap["Performance"] == {TIR: {"2025-01": 5}, UIR: {"2025-01": 4}}


def test_tr_j1_is_controlled_regular_requests_only(rollups):
    [ap] = perf(build_report(req("tr_j1"), today=TODAY))
    assert ap == {"Performance": {TIR: {"2025-01": 7}, UIR: {"2025-01": 6}}}


def test_tr_j2_counts_denials(rollups):
    [ap] = perf(build_report(req("tr_j2"), today=TODAY))
    assert ap == {"Performance": {"No_License": {"2025-02": 4}}}


def test_tr_j3_breaks_usage_down_by_access_type(rollups):
    aps = {ap["Access_Type"]: ap["Performance"] for ap in perf(build_report(req("tr_j3")))}
    assert aps[CTRL] == {
        TII: {"2025-01": 9}, TIR: {"2025-01": 7}, UII: {"2025-01": 6}, UIR: {"2025-01": 6}
    }  # fmt: skip
    assert aps[OPEN] == {TIR: {"2025-03": 8}, UIR: {"2025-03": 3}}


def test_tr_j4_breaks_controlled_requests_down_by_yop(rollups):
    aps = perf(build_report(req("tr_j4"), today=TODAY))
    assert aps == [{"YOP": "2023", "Performance": {TIR: {"2025-01": 7}, UIR: {"2025-01": 6}}}]


def test_platform_reports_sum_every_title(rollups):
    report = build_report(req("pr_p1"), today=TODAY)
    [item] = report["Report_Items"]
    assert item["Platform"] == "Masthead Demo Press" or item["Platform"]
    assert item["Attribute_Performance"] == [
        {
            "Data_Type": "Journal",
            "Performance": {TIR: {"2025-01": 7, "2025-03": 8}, UIR: {"2025-01": 6, "2025-03": 3}},
        }
    ]
    pr = build_report(req("pr", attributes_to_show=("Access_Method",)), today=TODAY)
    methods = {ap["Access_Method"]: ap["Performance"] for ap in perf(pr)}
    assert methods["TDM"] == {TIR: {"2025-02": 11}, UIR: {"2025-02": 1}}
    assert "No_License" not in methods["Regular"]  # no denials in the PR


def test_ir_a1_lists_articles_under_their_journal(rollups):
    a1, a2 = rollups
    report = build_report(req("ir_a1"), today=TODAY)
    [parent] = report["Report_Items"]
    assert parent["Title"] == "Test Journal" and parent["Item_ID"]["Online_ISSN"] == "5555-0029"
    items = {i["Item"]: i for i in parent["Items"]}
    assert items["Alpha"]["Item_ID"]["DOI"] == a1.doi
    assert items["Alpha"]["Publication_Date"] == "2023-02-01"
    assert items["Alpha"]["Authors"] == [
        {"Name": "Given0 Surname0", "ORCID": "0000-0002-1825-0097"}
    ]
    assert items["Alpha"]["Attribute_Performance"] == [
        {"Access_Type": CTRL, "Performance": {TIR: {"2025-01": 7}, UIR: {"2025-01": 6}}}
    ]
    assert items["Beta"]["Attribute_Performance"][0]["Access_Type"] == OPEN


def test_item_report_filters_by_doi_and_yop(rollups):
    a1, a2 = rollups
    report = build_report(req("ir", filters={"Item_ID": (a2.doi,)}), today=TODAY)
    [group] = report["Report_Items"]
    assert [i["Item"] for i in group["Items"]] == ["Beta"]
    assert "Title" not in group  # no parent details unless asked
    by_yop = build_report(req("ir", filters={"YOP": ("2024",)}), today=TODAY)
    assert [i["Item"] for i in by_yop["Report_Items"][0]["Items"]] == ["Beta"]


def test_title_report_filters_by_issn(rollups):
    other = Journal.objects.create(
        publisher=Publisher.objects.create(name="Other"), code="oj", title="Other J"
    )
    assert build_report(req("tr", filters={"Item_ID": ("5555-0029",)}))["Report_Items"]
    report = build_report(req("tr", filters={"Item_ID": (f"masthead:{other.code}",)}))
    assert report["Report_Items"] == []
    assert [e["Code"] for e in report["Report_Header"]["Exceptions"]] == [3030]


def test_no_usage_is_3030(rollups, campus):
    report = build_report(req("tr_j2", institution=campus), today=TODAY)
    assert report["Report_Items"] == []
    assert [e["Code"] for e in report["Report_Header"]["Exceptions"]] == [3030]


def test_months_past_the_processed_ones_are_3031(rollups):
    report = build_report(req("tr_j1", end=D(2025, 5, 31)), today=TODAY)
    head = report["Report_Header"]
    assert head["Report_Filters"]["End_Date"] == "2025-03-31"
    assert [e["Code"] for e in head["Exceptions"]] == [3031]
    assert report["Report_Items"]  # the ready months are still reported


def test_header_names_the_customer_and_the_period(rollups, campus):
    head = build_report(req("tr_j3", institution=campus), today=TODAY)["Report_Header"]
    assert head["Report_ID"] == "TR_J3" and head["Release"] == "5.1"
    assert head["Institution_ID"] == {"Proprietary": ["masthead:campus"]}
    assert head["Report_Filters"]["Begin_Date"] == "2025-01-01"
    assert head["Created"].endswith("Z")


def test_usage_query_uses_the_institution_day_index(rollups, campus):
    plan = fmt.plan("tr", {}, ("YOP", "Access_Type", "Access_Method"))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    for institution in (None, campus.pk):
        text = explain(plan, institution, (D(2025, 1, 1), D(2025, 12, 31)))
        assert "usage_daily_inst_day" in text


@pytest.mark.django_db
def test_a_year_of_a_thousand_titles_adds_up():
    # How long it takes is measured by bench/usage.py, not asserted here.
    publisher = Publisher.objects.create(name="Big Press")
    journals = Journal.objects.bulk_create(
        Journal(publisher=publisher, code=f"j{n}", title=f"Journal {n}") for n in range(1000)
    )
    ProcessedDay.objects.create(day=D(2024, 12, 31), events=1, robots_version="t")
    rows = [
        DailyUsage(
            day=D(2024, month, 1 + day),
            title_id=j.pk,
            item_id=j.pk * 10 + day,
            institution_id=None,
            yop=2020 + day,
            access_type=CTRL,
            access_method="Regular",
            metric_type=metric,
            count=1,
        )  # fmt: skip
        for j in journals
        for month in range(1, 13)
        for day in range(2)
        for metric in (TIR, UIR, TII, UII)
    ]
    DailyUsage.objects.bulk_create(rows, batch_size=5000)
    report = build_report(req("tr", D(2024, 1, 1), D(2024, 12, 31)), today=TODAY)
    assert len(report["Report_Items"]) == 1000
    first = report["Report_Items"][0]["Attribute_Performance"][0]["Performance"]
    assert first[TIR]["2024-12"] == 2
    assert first[TII]["2024-06"] == 2
