"""The SVG chart: pure, deterministic, every month present, every text escaped."""

import re
import xml.etree.ElementTree as ET

import pytest

from masthead.usage.charts import Series, axis_ticks, month_chart, nice_ceiling

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04"]


def chart(**kw):
    args = {
        "title": "Test Journal: monthly usage",
        "months": MONTHS,
        "series": [
            Series("Total_Item_Investigations", (10, 0, 0, 40)),
            Series("Total_Item_Requests", (5, 0, 0, 20)),
        ],
    }
    args.update(kw)
    return month_chart(**args)


def bars(svg: str) -> list[ET.Element]:
    return [r for r in ET.fromstring(svg).iter(f"{SVG}rect") if r.get("data-month")]


def test_is_well_formed_labelled_svg():
    root = ET.fromstring(chart(chart_id="c1"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Test Journal: monthly usage"
    desc = root.find(f"{SVG}desc").text
    assert "Total_Item_Investigations by month — 2026-01: 10, 2026-02: 0, 2026-03: 0" in desc
    assert "Total_Item_Requests by month" in desc


def test_months_with_no_usage_are_ticked_and_have_bars():
    svg = chart()
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    for month in MONTHS:
        assert month in texts
    found = bars(svg)
    assert len(found) == 8  # 4 months x 2 series, zero months included
    zero = [b for b in found if b.get("data-month") == "2026-02"]
    assert [b.get("data-value") for b in zero] == ["0", "0"]
    assert all(float(b.get("height")) == 0 for b in zero)


def test_bar_heights_scale_with_values():
    found = bars(chart())
    height = {(b.get("data-month"), b.get("data-value")): float(b.get("height")) for b in found}
    # The axis top is 50 for a peak of 40: 40 is 4/5 of the plot, 20 is half of 40.
    assert height[("2026-04", "40")] == pytest.approx(2 * height[("2026-04", "20")], abs=0.2)
    assert height[("2026-04", "40")] == pytest.approx(4 * height[("2026-01", "10")], abs=0.2)
    root = ET.fromstring(chart())
    ticks = [t.text for t in root.iter(f"{SVG}text")]
    assert "50" in ticks and "0" in ticks


def test_every_bar_has_a_tooltip_with_its_value():
    for bar in bars(chart()):
        title = bar.find(f"{SVG}title").text
        assert title.startswith(bar.get("data-month"))
        assert title.endswith(": " + bar.get("data-value"))


def test_hostile_titles_and_labels_are_escaped():
    hostile = '<script>alert("x")</script> & "quotes"'
    svg = chart(
        title=hostile,
        months=["2026-01", '"><script>1</script>'],
        series=[Series("<img src=x onerror=alert(1)>", (1, 2))],
        chart_id='x" onload="alert(1)',
        y_label="<b>",
    )
    assert "<script" not in svg
    assert "<img" not in svg
    assert "<b>" not in svg
    assert 'onload="' not in svg
    root = ET.fromstring(svg)  # still well formed
    assert root.find(f"{SVG}title").text == hostile
    assert re.fullmatch(r"[A-Za-z0-9_-]+", root.get("id"))


def test_deterministic():
    assert chart() == chart()


def test_line_chart_has_a_point_per_month():
    root = ET.fromstring(chart(kind="line"))
    points = [c for c in root.iter(f"{SVG}circle")]
    assert len(points) == 8
    assert len(list(root.iter(f"{SVG}polyline"))) == 2


def test_all_zero_and_empty():
    root = ET.fromstring(chart(series=[Series("Total_Item_Requests", (0, 0, 0, 0))]))
    assert len(bars(ET.tostring(root, encoding="unicode"))) == 4
    empty = month_chart(title="Nothing", months=[], series=[])
    assert "No months to show" in empty
    ET.fromstring(empty)


def test_rejects_mismatched_series_and_bad_kind():
    with pytest.raises(ValueError):
        month_chart(title="t", months=MONTHS, series=[Series("a", (1, 2))])
    with pytest.raises(ValueError):
        chart(kind="pie")
    with pytest.raises(ValueError):
        month_chart(title="t", months=["2026-01"], series=[Series("a", (-1,))])


@pytest.mark.parametrize(
    ("peak", "top"), [(0, 1), (1, 1), (3, 5), (10, 10), (11, 20), (40, 50), (101, 200)]
)
def test_axis_top(peak, top):
    assert nice_ceiling(peak) == top
    ticks = axis_ticks(top)
    assert ticks[0] == 0 and ticks[-1] == top
