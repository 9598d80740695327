"""COUNTER tabular (TSV) reports from their JSON form (masthead.usage.tabular)."""

import json

import pytest

from masthead.usage.tabular import HEADER_ROWS, to_tsv
from tests.conftest import SHARED

SAMPLES = SHARED / "counter" / "samples"
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"no samples in {SAMPLES}")


def rows(text: str) -> list[list[str]]:
    assert text.endswith("\n")
    return [line.split("\t") for line in text[:-1].split("\n")]


def report(report_id="TR_J3", name="Journal Usage by Access Type", items=(), **header):
    head = {
        "Release": "5.1",
        "Report_ID": report_id,
        "Report_Name": name,
        "Created": "2025-04-02T10:00:00Z",
        "Created_By": "Test Press",
        "Institution_ID": {"Proprietary": ["masthead:campus-1"]},
        "Institution_Name": "Campus University",
        "Registry_Record": "",
        "Report_Filters": {
            "Metric_Type": ["Total_Item_Requests", "Unique_Item_Requests"],
            "Begin_Date": "2025-01-01",
            "End_Date": "2025-03-31",
            "Data_Type": ["Journal"],
            "Access_Method": ["Regular"],
        },
        **header,
    }
    return {"Report_Header": head, "Report_Items": list(items)}


JOURNAL = {
    "Title": "Test\tJournal",
    "Publisher": "Test Press",
    "Platform": "Masthead",
    "Item_ID": {"Print_ISSN": "5555-0010", "Proprietary": "masthead:tj"},
}


def test_header_is_13_named_rows_then_a_blank_row():
    table = rows(to_tsv(report()))
    assert [r[0] for r in table[:13]] == list(HEADER_ROWS)
    assert table[13] == [""]
    head = dict(r for r in table[:13])
    assert head["Report_ID"] == "TR_J3" and head["Release"] == "5.1"
    assert head["Institution_ID"] == "masthead:campus-1"
    assert head["Metric_Types"] == "Total_Item_Requests; Unique_Item_Requests"
    assert head["Report_Filters"] == "Data_Type=Journal; Access_Method=Regular"
    assert head["Reporting_Period"] == "Begin_Date=2025-01-01; End_Date=2025-03-31"
    assert head["Exceptions"] == "" and head["Report_Attributes"] == ""


def test_months_without_usage_are_zero_and_the_total_adds_up():
    ap = {
        "Access_Type": "Open",
        "Performance": {"Total_Item_Requests": {"2025-01": 4, "2025-03": 2}},
    }
    table = rows(to_tsv(report(items=[{**JOURNAL, "Attribute_Performance": [ap]}])))
    headings, body = table[14], table[15:]
    assert headings == [
        "Title", "Publisher", "Publisher_ID", "Platform", "DOI", "Proprietary_ID", "Print_ISSN",
        "Online_ISSN", "URI", "Access_Type", "Metric_Type", "Reporting_Period_Total",
        "Jan-2025", "Feb-2025", "Mar-2025",
    ]  # fmt: skip
    [row] = body
    values = dict(zip(headings, row, strict=True))
    assert values["Title"] == "Test Journal"  # a tab in a title must not shift the columns
    assert values["Proprietary_ID"] == "masthead:tj" and values["Online_ISSN"] == ""
    assert values["Access_Type"] == "Open" and values["Metric_Type"] == "Total_Item_Requests"
    assert [values[m] for m in ("Reporting_Period_Total", "Jan-2025", "Feb-2025", "Mar-2025")] == [
        "6", "4", "0", "2",
    ]  # fmt: skip


def test_exceptions_are_code_message_and_data():
    exc = [
        {"Code": 3031, "Message": "Usage Not Ready for Requested Dates", "Data": "only to 2025-02"},
        {"Code": 3050, "Message": "Parameter Not Recognized in this Context"},
    ]
    head = dict(r for r in rows(to_tsv(report(Exceptions=exc)))[:13])
    assert head["Exceptions"] == (
        "3031: Usage Not Ready for Requested Dates (only to 2025-02); "
        "3050: Parameter Not Recognized in this Context"
    )


def test_master_report_shows_the_attributes_asked_for_and_total_granularity_drops_months():
    ap = {"Data_Type": "Journal", "YOP": "2023", "Performance": {"No_License": {"2025-01": 5}}}
    tr = report(
        "TR", "Title Report", [{**JOURNAL, "Attribute_Performance": [ap]}],
        Report_Attributes={"Attributes_To_Show": ["YOP"], "Granularity": "Total"},
        Report_Filters={"Begin_Date": "2025-01-01", "End_Date": "2025-03-31"},
    )  # fmt: skip
    table = rows(to_tsv(tr))
    head = dict(r for r in table[:13])
    assert head["Report_Attributes"] == "Attributes_To_Show=YOP; Exclude_Monthly_Details=True"
    assert head["Metric_Types"].startswith("Total_Item_Investigations; Total_Item_Requests")
    assert "ISBN" in table[14]  # the master TR has the book identifiers too
    assert table[14][-4:] == ["Data_Type", "YOP", "Metric_Type", "Reporting_Period_Total"]
    assert table[15][-4:] == ["Journal", "2023", "No_License", "5"]


@needs_samples
def test_official_ir_a1_sample_has_its_parent_columns():
    sample = json.loads((SAMPLES / "IRA1_sample_r51.json").read_text())
    table = rows(to_tsv(sample))
    headings = table[14]
    assert headings[:4] == ["Item", "Publisher", "Publisher_ID", "Platform"]
    assert "Parent_Title" in headings and "Data_Type" not in headings
    first = dict(zip(headings, table[15], strict=True))
    assert first["Item"] == "Item 11" and first["Parent_Title"] == "Title 3"
    assert first["Parent_Online_ISSN"] == "1234-4321"
    assert first["Publisher_ID"] == "ISNI:4321432143214321"
    assert first["Authors"] == "Author 11" and first["Access_Type"] == "Controlled"
    months = [h for h in headings if h[-5:-4] == "-" and h[:3].isalpha()]
    assert months[0] == "Jan-2022" and months[-1] == "Dec-2022"
    assert int(first["Reporting_Period_Total"]) == sum(int(first[m]) for m in months)
    n_rows = sum(
        len(ap["Performance"])
        for parent in sample["Report_Items"]
        for item in parent["Items"]
        for ap in item["Attribute_Performance"]
    )
    assert len(table) == 15 + n_rows


@needs_samples
def test_official_platform_sample():
    sample = json.loads((SAMPLES / "PRP1_sample_r51.json").read_text())
    table = rows(to_tsv(sample))
    assert table[14][:4] == ["Platform", "Data_Type", "Metric_Type", "Reporting_Period_Total"]
    head = dict(r for r in table[:13])
    assert head["Report_Filters"] == "Access_Method=Regular"
    assert head["Institution_ID"] == "ISNI:1234123412341234"
