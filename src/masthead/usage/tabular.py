"""COUNTER R5.1 reports in tabular form (TSV), from their JSON form (3.2 Formats).

The 13 header rows (names in column A, values in column B), the blank 14th row, then the
column headings and one row per item, attribute combination and Metric_Type, with the
Reporting_Period_Total and one Mmm-yyyy column per month (zero where a month had none;
the JSON omitted zero rows already). Pure: a dict in, text out.
"""

from __future__ import annotations

from datetime import date

from masthead.usage import report_format as fmt
from masthead.usage.months import months

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
HEADER_ROWS = (
    "Report_Name", "Report_ID", "Release", "Institution_Name", "Institution_ID",
    "Metric_Types", "Report_Filters", "Report_Attributes", "Exceptions", "Reporting_Period",
    "Created", "Created_By", "Registry_Record",
)  # fmt: skip
_IDS = ("DOI", "Proprietary_ID", "ISBN", "Print_ISSN", "Online_ISSN", "URI")
_PARENT = ("Parent_Title", "Parent_Authors", "Parent_Publication_Date",
           "Parent_Article_Version", "Parent_Data_Type", "Parent_DOI", "Parent_Proprietary_ID",
           "Parent_ISBN", "Parent_Print_ISSN", "Parent_Online_ISSN", "Parent_URI")  # fmt: skip
_IR_A1_PARENT = ("Parent_Title", "Parent_Authors", "Parent_Article_Version", "Parent_DOI",
                 "Parent_Proprietary_ID", "Parent_Print_ISSN", "Parent_Online_ISSN",
                 "Parent_URI")  # fmt: skip


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return text.replace("\r", " ").replace("\n", " ").replace("\t", " ")


def _ids(ids: dict | None) -> str:
    """{namespace: [values]} as "{namespace}:{value}; ..." (one value per namespace)."""
    parts = []
    for namespace, values in (ids or {}).items():
        value = values[0] if isinstance(values, list) else values
        parts.append(value if namespace == "Proprietary" else f"{namespace}:{value}")
    return "; ".join(parts)


def _authors(authors: list[dict] | None) -> str:
    out = []
    for author in authors or []:
        ident = next((f"{k}:{author[k]}" for k in ("ORCID", "ISNI") if author.get(k)), "")
        out.append(f"{author['Name']} ({ident})" if ident else author["Name"])
    return "; ".join(out)


def _item_ids(ids: dict | None, prefix: str = "") -> dict[str, str]:
    ids = ids or {}
    out = {f"{prefix}{k}": ids.get(k, "") for k in ("DOI", "ISBN", "Print_ISSN", "Online_ISSN")}
    out[f"{prefix}Proprietary_ID"] = ids.get("Proprietary", "")
    out[f"{prefix}URI"] = ids.get("URI", "")
    return out


def month_label(key: str) -> str:
    """'2026-01' → 'Jan-2026'."""
    year, month = key.split("-")
    return f"{_MONTHS[int(month) - 1]}-{year}"


def _header_rows(head: dict, spec: fmt.Spec | None) -> list[tuple[str, str]]:
    filters = head.get("Report_Filters", {})
    attributes = head.get("Report_Attributes", {})
    metric_types = filters.get("Metric_Type") or (list(spec.metrics) if spec else [])
    other_filters = []
    for name, value in filters.items():
        if name in ("Metric_Type", "Begin_Date", "End_Date"):
            continue
        other_filters.append(f"{name}={'|'.join(value) if isinstance(value, list) else value}")
    attrs = []
    for name, value in attributes.items():
        if name == "Granularity":
            if value == "Total":
                attrs.append("Exclude_Monthly_Details=True")
            continue
        attrs.append(f"{name}={'|'.join(value) if isinstance(value, list) else value}")
    exceptions = []
    for exc in head.get("Exceptions", []):
        text = f"{exc['Code']}: {exc['Message']}"
        exceptions.append(f"{text} ({exc['Data']})" if exc.get("Data") else text)
    values = {
        "Report_Name": head.get("Report_Name", ""),
        "Report_ID": head.get("Report_ID", ""),
        "Release": head.get("Release", ""),
        "Institution_Name": head.get("Institution_Name", ""),
        "Institution_ID": _ids(head.get("Institution_ID")),
        "Metric_Types": "; ".join(metric_types),
        "Report_Filters": "; ".join(other_filters),
        "Report_Attributes": "; ".join(attrs),
        "Exceptions": "; ".join(exceptions),
        "Reporting_Period": (
            f"Begin_Date={filters.get('Begin_Date', '')}; End_Date={filters.get('End_Date', '')}"
        ),
        "Created": head.get("Created", ""),
        "Created_By": head.get("Created_By", ""),
        "Registry_Record": head.get("Registry_Record", ""),
    }
    return [(name, values[name]) for name in HEADER_ROWS]


def _columns(report_id: str, shown: list[str], parent: bool) -> list[str]:
    """The description and attribute columns of a report (Tables 4.b, 4.k, 4.p)."""
    level = report_id.split("_")[0]
    standard = "_" in report_id
    if level == "PR":
        cols = ["Platform", "Data_Type"]
        return cols + (["Access_Method"] if "Access_Method" in shown else [])
    attributes = [a for a in fmt.USAGE_DIMENSIONS if a in shown]
    if level == "TR":
        ids = [c for c in _IDS if not (standard and c == "ISBN")]
        cols = ["Title", "Publisher", "Publisher_ID", "Platform", *ids]
        return cols + ([] if standard else ["Data_Type"]) + attributes
    if report_id == "IR_A1":
        cols = ["Item", "Publisher", "Publisher_ID", "Platform", *fmt.ITEM_ATTRIBUTES]
        cols += [c for c in _IDS if c != "ISBN"] + list(_IR_A1_PARENT)
        return cols + ["Access_Type"]
    cols = ["Item", "Publisher", "Publisher_ID", "Platform"]
    cols += [a for a in fmt.ITEM_ATTRIBUTES if a in shown] + list(_IDS)
    cols += list(_PARENT) if parent else []
    return cols + ["Data_Type"] + attributes


def _flatten(report_id: str, items: list[dict]):
    """(description values, attribute performance) for every item in the report."""
    level = report_id.split("_")[0]
    if level == "PR":
        for item in items:
            for ap in item["Attribute_Performance"]:
                yield {"Platform": item["Platform"]}, ap
        return
    if level == "TR":
        for item in items:
            desc = {
                "Title": item.get("Title", ""),
                "Publisher": item.get("Publisher", ""),
                "Publisher_ID": _ids(item.get("Publisher_ID")),
                "Platform": item.get("Platform", ""),
                **_item_ids(item.get("Item_ID")),
            }
            for ap in item["Attribute_Performance"]:
                yield desc, ap
        return
    for group in items:
        parent = {}
        if "Item_ID" in group:
            parent = {
                "Parent_Title": group.get("Title", ""),
                "Parent_Authors": _authors(group.get("Authors")),
                "Parent_Publication_Date": group.get("Publication_Date", ""),
                "Parent_Article_Version": group.get("Article_Version", ""),
                "Parent_Data_Type": group.get("Data_Type", ""),
                **_item_ids(group.get("Item_ID"), "Parent_"),
            }
        for item in group["Items"]:
            desc = {
                "Item": item.get("Item", ""),
                "Publisher": item.get("Publisher", ""),
                "Publisher_ID": _ids(item.get("Publisher_ID")),
                "Platform": item.get("Platform", ""),
                "Authors": _authors(item.get("Authors")),
                "Publication_Date": item.get("Publication_Date", ""),
                "Article_Version": item.get("Article_Version", ""),
                **_item_ids(item.get("Item_ID")),
                **parent,
            }
            for ap in item["Attribute_Performance"]:
                yield desc, ap


def to_tsv(report: dict) -> str:
    """The tabular (TSV) form of a COUNTER JSON report."""
    head = report["Report_Header"]
    report_id = head["Report_ID"]
    spec = fmt.SPECS.get(report_id.lower())
    attributes = head.get("Report_Attributes", {})
    shown = list(attributes.get("Attributes_To_Show", [])) + list(spec.fixed if spec else ())
    parent = report_id == "IR_A1" or attributes.get("Include_Parent_Details") == "True"
    monthly = attributes.get("Granularity") != "Total"
    filters = head.get("Report_Filters", {})
    month_keys = []
    if monthly and filters.get("Begin_Date") and filters.get("End_Date"):
        month_keys = months(
            date.fromisoformat(filters["Begin_Date"]), date.fromisoformat(filters["End_Date"])
        )
    columns = _columns(report_id, shown, parent)
    lines = [[name, value] for name, value in _header_rows(head, spec)]
    lines.append([])
    lines.append([*columns, "Metric_Type", "Reporting_Period_Total", *map(month_label, month_keys)])
    for desc, ap in _flatten(report_id, report.get("Report_Items", [])):
        values = {**desc, **{k: v for k, v in ap.items() if k != "Performance"}}
        for metric, counts in ap["Performance"].items():
            total = sum(counts.values())
            if not total:
                continue
            row = [values.get(c, "") for c in columns]
            row += [metric, total, *(counts.get(m, 0) for m in month_keys)]
            lines.append(row)
    return "".join("\t".join(_cell(v) for v in line) + "\n" for line in lines)
