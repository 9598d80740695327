"""COUNTER R5.1 reports in their JSON form, from grouped monthly sums: no Django here.

`reports.py` reads the sums (one aggregate query) and the titles' and items' metadata;
everything that decides what a report says is here, so it can be tested with plain data:

* which reports exist and what their Standard Views preset (`SPECS`, Section 4 of the CoP),
* which filter and attribute values are acceptable (invalid ones are ignored and reported
  as Exceptions 3060 / 3062 / 3063, as Appendix D asks),
* which months can be reported (3030 / 3031 / 3032),
* the Report_Header, and the Report_Items shaped exactly as the COUNTER_SUSHI API
  specification's schemas and the official samples shape them. Zero usage is omitted at
  every level (3.3.x "Zero Usage"): months, metrics, performances, items.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from masthead.usage.months import first_of_month, last_of_month, month_key

RELEASE = "5.1"
WORLD_CUSTOMER_ID = "0000000000000000"
WORLD = "The World"

TII = "Total_Item_Investigations"
TIR = "Total_Item_Requests"
UII = "Unique_Item_Investigations"
UIR = "Unique_Item_Requests"
UTI = "Unique_Title_Investigations"
UTR = "Unique_Title_Requests"
NO_LICENSE = "No_License"
LIMIT_EXCEEDED = "Limit_Exceeded"
SEARCHES_PLATFORM = "Searches_Platform"

ACCESS_TYPES = ("Controlled", "Open", "Free_To_Read")
ACCESS_METHODS = ("Regular", "TDM")
UNKNOWN_YOP = "0001"  # 3.3.x YOP: "If the year of publication is not known, use 0001"

# What this platform holds: journals (title level) made of articles (item level). 3.3.2:
# "Host_Types required to provide the TR MUST deliver title level information in the PR".
TITLE_DATA_TYPE = "Journal"
ITEM_DATA_TYPE = "Article"

_TR_DATA_TYPES = (
    "Book", "Conference", "Journal", "Newspaper_or_Newsletter", "Other", "Patent",
    "Reference_Work", "Report", "Standard", "Thesis_or_Dissertation", "Unspecified",
)  # fmt: skip
_IR_DATA_TYPES = (
    "Article", "Audiovisual", "Book_Segment", "Conference_Item", "Database_Full_Item",
    "Dataset", "Image", "Interactive_Resource", "Multimedia", "News_Item", "Other", "Patent",
    "Reference_Item", "Report", "Software", "Sound", "Standard", "Thesis_or_Dissertation",
    "Unspecified",
)  # fmt: skip
_PR_DATA_TYPES = tuple(sorted({*_TR_DATA_TYPES, *_IR_DATA_TYPES, "Platform"} - {"Platform"}))


@dataclass(frozen=True)
class Spec:
    """One report: a master report (PR, TR, IR) or a Standard View with its presets."""

    report_id: str  # "TR_J1"
    name: str
    description: str
    level: str  # "PR", "TR" or "IR": what a report item is
    metrics: tuple[str, ...]  # permitted Metric_Types (a Standard View's preset)
    data_types: tuple[str, ...]  # permitted Data_Type filter values
    attributes: tuple[str, ...] = ()  # Attributes_To_Show values we support (masters)
    presets: dict[str, tuple[str, ...]] = field(default_factory=dict)  # Standard Views
    fixed: tuple[str, ...] = ()  # attribute columns a Standard View always shows

    @property
    def is_standard_view(self) -> bool:
        return "_" in self.report_id

    @property
    def path_id(self) -> str:
        return self.report_id.lower()


_ALL_TR = (TII, TIR, UII, UIR, UTI, UTR, LIMIT_EXCEEDED, NO_LICENSE)
SPECS: dict[str, Spec] = {
    s.path_id: s
    for s in (
        Spec(
            "PR", "Platform Report",
            "A customizable report summarizing activity across the platform.",
            "PR", (SEARCHES_PLATFORM, TII, TIR, UII, UIR, UTI, UTR), _PR_DATA_TYPES,
            attributes=("Access_Method",),
        ),
        Spec(
            "PR_P1", "Platform Usage", "Platform-level usage summarized by Metric_Type.",
            "PR", (SEARCHES_PLATFORM, TIR, UIR, UTR), _PR_DATA_TYPES,
            presets={"Access_Method": ("Regular",)},
        ),
        Spec(
            "TR", "Title Report",
            "A customizable report detailing activity at the title (journal) level.",
            "TR", _ALL_TR, _TR_DATA_TYPES, attributes=("YOP", "Access_Type", "Access_Method"),
        ),
        Spec(
            "TR_J1", "Journal Requests (Controlled)",
            "Reports on usage of controlled journal content, excluding Open and Free_To_Read.",
            "TR", (TIR, UIR), _TR_DATA_TYPES,
            presets={"Data_Type": ("Journal",), "Access_Type": ("Controlled",),
                     "Access_Method": ("Regular",)},
        ),
        Spec(
            "TR_J2", "Journal Access Denied",
            "Reports on access denied activity for journal content.",
            "TR", (LIMIT_EXCEEDED, NO_LICENSE), _TR_DATA_TYPES,
            presets={"Data_Type": ("Journal",), "Access_Method": ("Regular",)},
        ),
        Spec(
            "TR_J3", "Journal Usage by Access Type",
            "Reports on usage of journal content for all Metric_Types broken down by "
            "Access_Type.",
            "TR", (TII, TIR, UII, UIR), _TR_DATA_TYPES,
            presets={"Data_Type": ("Journal",), "Access_Method": ("Regular",)},
            fixed=("Access_Type",),
        ),
        Spec(
            "TR_J4", "Journal Requests by YOP (Controlled)",
            "Breaks down the usage of controlled journal content by year of publication "
            "(YOP).",
            "TR", (TIR, UIR), _TR_DATA_TYPES,
            presets={"Data_Type": ("Journal",), "Access_Type": ("Controlled",),
                     "Access_Method": ("Regular",)},
            fixed=("YOP",),
        ),
        Spec(
            "IR", "Item Report",
            "A customizable report detailing activity at the item (article) level.",
            "IR", (TII, TIR, UII, UIR, LIMIT_EXCEEDED, NO_LICENSE), _IR_DATA_TYPES,
            attributes=("Authors", "Publication_Date", "Article_Version", "YOP",
                        "Access_Type", "Access_Method"),
        ),
        Spec(
            "IR_A1", "Journal Article Requests",
            "Reports on journal article requests at the article level.",
            "IR", (TIR, UIR), _IR_DATA_TYPES,
            presets={"Data_Type": ("Article",), "Access_Method": ("Regular",)},
            fixed=("Access_Type",),
        ),
    )
}  # fmt: skip
REPORT_IDS = tuple(SPECS)
# The attribute columns the usage rollups can break down by (the others describe items).
USAGE_DIMENSIONS = ("YOP", "Access_Type", "Access_Method")
ITEM_ATTRIBUTES = ("Authors", "Publication_Date", "Article_Version")
# Order of filters in Report_Filters, as in the official samples.
_FILTER_ORDER = ("Metric_Type", "Begin_Date", "End_Date", "Data_Type", "Access_Type",
                 "Access_Method", "YOP", "Item_ID", "Platform")  # fmt: skip

EXCEPTION_MESSAGES = {
    1000: "Service Not Available",
    1030: "Insufficient Information to Process Request",
    2000: "Requestor Not Authorized to Access Service",
    2010: "Requestor is Not Authorized to Access Usage for Institution",
    2011: "Global Reports Not Supported",
    2020: "APIKey Invalid",
    3000: "Report Not Supported",
    3020: "Invalid Date Arguments",
    3030: "No Usage Available for Requested Dates",
    3031: "Usage Not Ready for Requested Dates",
    3032: "Usage No Longer Available for Requested Dates",
    3040: "Partial Data Returned",
    3050: "Parameter Not Recognized in this Context",
    3060: "Invalid ReportFilter Value",
    3061: "Incongruous ReportFilter Value",
    3062: "Invalid ReportAttribute Value",
    3063: "Components Not Supported",
    3070: "Required ReportFilter Missing",
}


def exception(code: int, data: str = "") -> dict:
    """A COUNTER Exception object (Code, Message and, if any, Data)."""
    out: dict = {"Code": code, "Message": EXCEPTION_MESSAGES[code]}
    if data:
        out["Data"] = data
    return out


# -- filters and attributes --------------------------------------------------------------

_YOP = re.compile(r"(\d{4})(?:-(\d{4}))?")


def yop_ranges(values: Iterable[str]) -> tuple[list[tuple[int, int]], list[str]]:
    """('2020', '1990-1999') → ([(2020, 2020), (1990, 1999)], invalid values)."""
    ranges, invalid = [], []
    for value in values:
        match = _YOP.fullmatch(value)
        if not match:
            invalid.append(value)
            continue
        low, high = int(match[1]), int(match[2] or match[1])
        if low > high:
            invalid.append(value)
        else:
            ranges.append((low, high))
    return ranges, invalid


@dataclass(frozen=True)
class Plan:
    """What a request asks of the usage data, after presets and validation."""

    spec: Spec
    metrics: tuple[str, ...]  # Metric_Types to read
    access_types: tuple[str, ...] | None  # None: all
    access_methods: tuple[str, ...] | None
    yops: tuple[tuple[int, int], ...] | None
    item_id: str | None  # the Item_ID filter as given (resolved by the caller)
    platform: str | None
    data_type_excluded: bool  # the Data_Type filter leaves nothing on this platform
    shown: tuple[str, ...]  # attribute columns in Attribute_Performance / on items
    include_parent: bool
    granularity: str  # "Month" or "Total"
    header_filters: dict  # Report_Filters except the dates
    header_attributes: dict  # Report_Attributes (empty: omitted)
    exceptions: tuple[dict, ...]

    @property
    def dimensions(self) -> tuple[str, ...]:
        """The usage columns to group by, besides the item and the metric."""
        return tuple(d for d in USAGE_DIMENSIONS if d in self.shown)


def _pick(name: str, values: tuple[str, ...], allowed: Iterable[str], bad: list[str]):
    allowed = tuple(allowed)
    good = tuple(dict.fromkeys(v for v in values if v in allowed))
    bad.extend(f"{name}={v}" for v in values if v not in allowed)
    return good


def plan(
    report_id: str,
    filters: Mapping[str, tuple[str, ...]],
    attributes_to_show: tuple[str, ...] = (),
    granularity: str = "Month",
    include_parent_details: bool = False,
    platform_names: tuple[str, ...] = (),
) -> Plan:
    """Apply a Standard View's presets or check a master report's filters and attributes.

    Invalid values are dropped and reported (3060 filters, 3062 attributes), as Appendix D
    asks: "The server is expected to ignore unsupported filters and continue".
    """
    spec = SPECS[report_id.lower()]
    bad_filters: list[str] = []
    bad_attributes: list[str] = []
    exceptions: list[dict] = []
    header: dict = {}
    f = {k: tuple(v) for k, v in filters.items() if v}

    platform = None
    if "Platform" in f:
        given = f["Platform"][0]
        if given.casefold() in {p.casefold() for p in platform_names}:
            platform = given
        else:
            bad_filters.append(f"Platform={given}")

    if spec.is_standard_view:
        metrics = spec.metrics
        access_types = spec.presets.get("Access_Type")
        access_methods = spec.presets.get("Access_Method")
        data_types = spec.presets.get("Data_Type")
        yops = None
        item_id = None
        shown = spec.fixed
        include_parent = spec.report_id == "IR_A1"
        granularity = "Month"
        header["Metric_Type"] = list(spec.metrics)
        for name in ("Data_Type", "Access_Type", "Access_Method"):
            if name in spec.presets:
                header[name] = list(spec.presets[name])
        header_attributes: dict = {}
    else:
        metrics = _pick("Metric_Type", f.get("Metric_Type", ()), spec.metrics, bad_filters)
        if metrics:
            header["Metric_Type"] = list(metrics)
        else:
            metrics = spec.metrics
        data_types = _pick("Data_Type", f.get("Data_Type", ()), spec.data_types, bad_filters)
        if data_types:
            header["Data_Type"] = list(data_types)
        access_types = None
        if spec.level != "PR":
            access_types = _pick("Access_Type", f.get("Access_Type", ()), ACCESS_TYPES, bad_filters)
            if access_types:
                header["Access_Type"] = list(access_types)
        access_methods = _pick(
            "Access_Method", f.get("Access_Method", ()), ACCESS_METHODS, bad_filters
        )
        if access_methods:
            header["Access_Method"] = list(access_methods)
        yops = None
        item_id = None
        if spec.level != "PR":
            ranges, invalid = yop_ranges(f.get("YOP", ()))
            bad_filters.extend(f"YOP={v}" for v in invalid)
            if ranges:
                yops = tuple(ranges)
                header["YOP"] = [v for v in f["YOP"] if v not in invalid]
            if f.get("Item_ID"):
                item_id = f["Item_ID"][0]
                header["Item_ID"] = item_id
        shown = _pick("Attributes_To_Show", attributes_to_show, spec.attributes, bad_attributes)
        # Column order is the CoP's, whatever the order asked in.
        shown = tuple(a for a in spec.attributes if a in shown)
        header_attributes = {}
        if shown:
            header_attributes["Attributes_To_Show"] = list(shown)
        include_parent = spec.level == "IR" and include_parent_details
        if include_parent:
            header_attributes["Include_Parent_Details"] = "True"
        if granularity in ("Total", "Totals"):
            granularity = "Total"
            header_attributes["Granularity"] = "Total"
        elif granularity != "Month":
            bad_attributes.append(f"Granularity={granularity}")
            granularity = "Month"
        access_types = access_types or None
        access_methods = access_methods or None
        data_types = data_types or None

    if platform:
        header["Platform"] = platform
    own_type = {"TR": TITLE_DATA_TYPE, "IR": ITEM_DATA_TYPE, "PR": TITLE_DATA_TYPE}[spec.level]
    excluded = bool(data_types) and own_type not in data_types
    if bad_filters:
        exceptions.append(exception(3060, "; ".join(bad_filters)))
    if bad_attributes:
        exceptions.append(exception(3062, "; ".join(bad_attributes)))
    return Plan(
        spec=spec,
        metrics=tuple(metrics),
        access_types=access_types,
        access_methods=access_methods,
        yops=yops,
        item_id=item_id,
        platform=platform,
        data_type_excluded=excluded,
        shown=tuple(shown),
        include_parent=include_parent,
        granularity=granularity,
        header_filters=header,
        header_attributes=header_attributes,
        exceptions=tuple(exceptions),
    )


# -- reporting period --------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    begin: date  # what the header says
    end: date
    query: tuple[date, date] | None  # the days to read; None: nothing can be read
    exceptions: tuple[dict, ...]


def period(begin: date, end: date, first_available: date | None, ready_to: date | None) -> Period:
    """The months a report covers, given what has been processed.

    `first_available` is the first day of the first month with processed usage,
    `ready_to` the last day of the last complete processed month (None: nothing yet).
    Months not processed yet are 3031 and the End_Date is brought back to the last ready
    month (Appendix D, 3031); months before the first processed one are 3032.
    """
    exceptions = []
    lo, hi, header_end = begin, end, end
    asked = f"request was for {begin.isoformat()} to {end.isoformat()}"
    if ready_to is None or begin > ready_to:
        exceptions.append(exception(3031, f"{asked}; however, usage is not ready yet"))
        return Period(begin, end, None, tuple(exceptions))
    if end > ready_to:
        exceptions.append(
            exception(3031, f"{asked}; however, usage is only available to {ready_to}")
        )
        hi = header_end = ready_to
    if first_available is not None and begin < first_available:
        exceptions.append(
            exception(3032, f"{asked}; however, usage is only available from {first_available}")
        )
        lo = first_available
    query = (lo, hi) if lo <= hi else None
    return Period(begin, header_end, query, tuple(exceptions))


def ready_through(latest_processed: date | None, today: date) -> date | None:
    """The last day of the last complete month whose days are all processed."""
    if latest_processed is None:
        return None
    cap = first_of_month(today).toordinal() - 1  # the current month is never complete
    day = date.fromordinal(min(latest_processed.toordinal(), cap))
    if day == last_of_month(day):
        return day
    return date.fromordinal(first_of_month(day).toordinal() - 1)


# -- header ------------------------------------------------------------------------------


def header(
    plan: Plan,
    period: Period,
    *,
    institution_name: str,
    institution_id: dict,
    created: str,
    created_by: str,
    registry_record: str = "",
    exceptions: Iterable[dict] = (),
) -> dict:
    """The Report_Header, keys in the order of the official samples."""
    spec = plan.spec
    filters = {**plan.header_filters}
    filters["Begin_Date"] = period.begin.isoformat()
    filters["End_Date"] = period.end.isoformat()
    out: dict = {
        "Release": RELEASE,
        "Report_ID": spec.report_id,
        "Report_Name": spec.name,
        "Created": created,
        "Created_By": created_by,
        "Institution_ID": institution_id,
        "Institution_Name": institution_name,
        "Registry_Record": registry_record,
        "Report_Filters": {k: filters[k] for k in _FILTER_ORDER if k in filters},
    }
    if plan.header_attributes:
        out["Report_Attributes"] = plan.header_attributes
    all_exceptions = [*plan.exceptions, *period.exceptions, *exceptions]
    if all_exceptions:
        out["Exceptions"] = list({(e["Code"], e.get("Data")): e for e in all_exceptions}.values())
    return out


# -- report items ------------------------------------------------------------------------


class UsageRow(NamedTuple):
    """One grouped sum: an item's (or title's) metric in a month, per shown dimension."""

    key: int | None  # title_id (TR), item_id (IR), None (PR)
    month: str  # 'YYYY-MM'
    metric: str
    count: int
    yop: int | None = None
    access_type: str | None = None
    access_method: str | None = None


@lru_cache(maxsize=4096)
def yop_text(yop: int | None) -> str:
    return f"{yop:04d}" if yop and 0 < yop <= 9999 else UNKNOWN_YOP


_ATTRIBUTE_OF = {
    "YOP": lambda row: yop_text(row.yop),
    "Access_Type": lambda row: row.access_type,
    "Access_Method": lambda row: row.access_method,
}


def _attribute_values(row: UsageRow, dimensions: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((d, _ATTRIBUTE_OF[d](row)) for d in dimensions)


def _sort_key(attrs: tuple[tuple[str, str], ...]):
    # Newest YOP first, as in the samples; the other attributes alphabetically.
    return tuple((-int(v) if k == "YOP" else 0, v if k != "YOP" else "") for k, v in attrs)


def _group(rows: Iterable[UsageRow], dimensions: tuple[str, ...], month_of) -> dict:
    """key → attribute values → metric → month → count (zeros dropped)."""
    flat: dict[tuple, int] = {}
    get = flat.get
    for row in rows:
        if row.count:
            cell = (row.key, _attribute_values(row, dimensions), row.metric, month_of(row.month))
            flat[cell] = get(cell, 0) + row.count
    tree: dict = {}
    for (key, attrs, metric, month), n in flat.items():
        tree.setdefault(key, {}).setdefault(attrs, {}).setdefault(metric, {})[month] = n
    return tree


def _performances(groups: Mapping, head: Mapping[str, str], metrics: tuple[str, ...]) -> list[dict]:
    out = []
    for attrs in sorted(groups, key=_sort_key):
        performance = {}
        for metric in sorted(groups[attrs]):
            if metric not in metrics:
                continue
            counts = {m: n for m, n in sorted(groups[attrs][metric].items()) if n}
            if counts:
                performance[metric] = counts
        if performance:
            out.append({**head, **dict(attrs), "Performance": performance})
    return out


def _month_of(plan: Plan, period: Period):
    if plan.granularity == "Total":
        total_key = month_key(period.begin)  # one count for the whole period
        return lambda _month: total_key
    return lambda month: month


def report_items(
    plan: Plan,
    period: Period,
    rows: Iterable[UsageRow],
    *,
    platform: str,
    titles: Mapping[int, dict] | None = None,
    items: Mapping[int, dict] | None = None,
) -> list[dict]:
    """Report_Items for the plan's report from grouped usage rows.

    `titles[title_id]`: {"Title", "Publisher", "Item_ID"} (and "sort" optional);
    `items[item_id]`: {"Item", "Publisher", "Item_ID", "Authors", "Publication_Date",
    "Article_Version", "parent": title_id}.
    """
    spec = plan.spec
    dims = plan.dimensions
    tree = _group(rows, dims, _month_of(plan, period))
    if spec.level == "PR":
        head = {"Data_Type": TITLE_DATA_TYPE}
        perf = _performances(tree.get(None, {}), head, plan.metrics)
        return [{"Platform": platform, "Attribute_Performance": perf}] if perf else []
    titles = titles or {}
    if spec.level == "TR":
        head = {} if spec.is_standard_view else {"Data_Type": TITLE_DATA_TYPE}
        out = []
        for key, groups in tree.items():
            perf = _performances(groups, head, plan.metrics)
            if not perf:
                continue
            meta = titles.get(key) or _missing(key)
            item = _named("Title", meta, platform)
            item["Item_ID"] = meta["Item_ID"]
            item["Attribute_Performance"] = perf
            out.append(item)
        return sorted(out, key=lambda i: (i["Title"].casefold(), str(i["Item_ID"])))
    return _item_report_items(plan, tree, platform, titles, items or {})


def _named(name: str, meta: Mapping, platform: str) -> dict:
    """A report item's opening elements: its name ("Title" or "Item"), Publisher,
    Publisher_ID when known, Platform; in the order the samples give them."""
    item = {name: meta[name], "Publisher": meta["Publisher"]}
    if meta.get("Publisher_ID"):
        item["Publisher_ID"] = meta["Publisher_ID"]
    item["Platform"] = platform
    return item


def _missing(key) -> dict:
    """A title or item deleted since it was used: still reported, by its old number."""
    return {"Title": "", "Item": "", "Publisher": "", "Item_ID": {"Proprietary": f"id:{key}"}}


def _item_report_items(plan, tree, platform, titles, items) -> list[dict]:
    spec = plan.spec
    head = {} if spec.is_standard_view else {"Data_Type": ITEM_DATA_TYPE}
    show_item_attrs = ITEM_ATTRIBUTES if spec.is_standard_view else plan.shown
    parents: dict = defaultdict(list)
    for key, groups in tree.items():
        perf = _performances(groups, head, plan.metrics)
        if not perf:
            continue
        meta = items.get(key) or _missing(key)
        item = _named("Item", meta, platform)
        for name in ITEM_ATTRIBUTES:
            if name in show_item_attrs and meta.get(name):
                item[name] = meta[name]
        item["Item_ID"] = meta["Item_ID"]
        item["Attribute_Performance"] = perf
        parents[meta.get("parent") if plan.include_parent else None].append(item)
    for members in parents.values():
        members.sort(key=lambda i: (i["Item"].casefold(), str(i["Item_ID"])))
    if not plan.include_parent:
        return [{"Items": parents[None]}] if parents else []
    out = []
    for parent_id, members in parents.items():
        meta = titles.get(parent_id) if parent_id is not None else None
        if meta is None:
            out.append({"Items": members})
            continue
        parent = {"Title": meta["Title"]}
        if spec.report_id == "IR":
            parent["Data_Type"] = TITLE_DATA_TYPE
        parent["Item_ID"] = meta["Item_ID"]
        parent["Items"] = members
        out.append(parent)
    return sorted(out, key=lambda p: (p.get("Title", "\uffff").casefold(), str(p.get("Item_ID"))))
