"""Monthly usage charts as inline SVG strings. Pure Python, no Django, no JavaScript.

The chart is an image for sighted readers and a labelled one for everyone else: the
<svg> has role="img" and is labelled by its <title> and <desc>, the <desc> states every
value, and every bar (or point) has its own <title>, which browsers show on hover. The
page beside it should still carry the numbers as a table (the back office does).

Every text that goes into the SVG is escaped here: journal and article titles are
editors' input and may hold anything, "<script>" included. Output is deterministic (no
random ids, no clock), so tests compare it as text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

# Okabe-Ito colours: told apart with the common colour-vision deficiencies.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00")

_ID_SAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class Series:
    """One line of the legend: a name and one value per month."""

    label: str
    values: tuple[int, ...]


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def nice_ceiling(value: float) -> int:
    """The smallest 1, 2 or 5 × 10^n at or above value (at least 1): the axis top."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for digit in (1, 2, 5):
        if digit * magnitude >= value:
            return digit * magnitude
    return 10 * magnitude


def axis_ticks(top: int) -> list[int]:
    """Whole-number gridlines from 0 to a nice_ceiling top: 1 → 0, 1; 20 → 0, 5 … 20."""
    leading = int(str(top)[0])
    step = max(1, top // (4 if leading == 2 else 5))
    return list(range(0, top + 1, step))


def _fmt(n: int) -> str:
    return f"{n:,}"


def _summary(months: Sequence[str], series: Sequence[Series]) -> str:
    parts = []
    for s in series:
        values = ", ".join(f"{m}: {_fmt(v)}" for m, v in zip(months, s.values, strict=True))
        parts.append(f"{s.label} by month — {values}." if values else f"{s.label}: no months.")
    return " ".join(parts)


def month_chart(
    *,
    title: str,
    months: Sequence[str],
    series: Sequence[Series],
    kind: str = "bar",
    chart_id: str = "usage-chart",
    y_label: str = "Count",
    x_label: str = "Month",
    width: int = 760,
    height: int = 320,
) -> str:
    """A bar (grouped, one bar per series per month) or line chart of monthly counts.

    `months` are the x-axis labels in order ("2026-01"...), every month present including
    those with no usage; each series has one value per month.
    """
    if kind not in ("bar", "line"):
        raise ValueError(f"kind must be 'bar' or 'line', not {kind!r}")
    for s in series:
        if len(s.values) != len(months):
            raise ValueError(f"series {s.label!r} has {len(s.values)} values, not {len(months)}")
        if any(v < 0 for v in s.values):
            raise ValueError(f"series {s.label!r} has a negative value")
    cid = _ID_SAFE.sub("-", chart_id) or "usage-chart"
    left, right, top_pad, bottom = 64, 16, 40, 64
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    peak = max((v for s in series for v in s.values), default=0)
    top = nice_ceiling(peak)
    base_y = top_pad + plot_h

    def y_of(v: int) -> float:
        return base_y - plot_h * v / top

    n = max(len(months), 1)
    slot = plot_w / n
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="usage-chart" id="{cid}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc">',
        f'<title id="{cid}-title">{_e(title)}</title>',
        f'<desc id="{cid}-desc">{_e(_summary(months, series))}</desc>',
        '<g class="grid" font-size="11" fill="#5b6770">',
    ]
    for tick in axis_ticks(top):
        y = y_of(tick)
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#d8dee4"/><text x="{left - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{_fmt(tick)}</text>'
        )
    out.append("</g>")
    # Axis labels.
    out.append(
        f'<text class="axis-label" x="14" y="{top_pad + plot_h / 2:.1f}" font-size="12" '
        f'text-anchor="middle" transform="rotate(-90 14 {top_pad + plot_h / 2:.1f})">'
        f"{_e(y_label)}</text>"
    )
    out.append(
        f'<text class="axis-label" x="{left + plot_w / 2:.1f}" y="{height - 8}" '
        f'font-size="12" text-anchor="middle">{_e(x_label)}</text>'
    )
    # Month ticks: every month gets a tick mark, labels thin out past 12 months.
    every = max(1, math.ceil(len(months) / 12))
    out.append('<g class="months" font-size="11" fill="#1d2327">')
    for i, month in enumerate(months):
        x = left + slot * (i + 0.5)
        out.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{base_y}" y2="{base_y + 4}" stroke="#5b6770"/>'
        )
        if i % every == 0:
            out.append(
                f'<text x="{x:.1f}" y="{base_y + 17}" text-anchor="middle">{_e(month)}</text>'
            )
    out.append("</g>")
    # Data.
    show_values = kind == "bar" and len(months) * max(len(series), 1) <= 36
    group_w = slot * 0.8
    bar_w = group_w / max(len(series), 1)
    for si, s in enumerate(series):
        colour = PALETTE[si % len(PALETTE)]
        out.append(f'<g class="series series-{si}" fill="{colour}">')
        points = []
        for i, (month, v) in enumerate(zip(months, s.values, strict=True)):
            tip = f"<title>{_e(f'{month} {s.label}: {_fmt(v)}')}</title>"
            if kind == "bar":
                x = left + slot * i + slot * 0.1 + bar_w * si
                y = y_of(v)
                out.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(bar_w - 1, 1):.1f}" '
                    f'height="{base_y - y:.1f}" data-month="{_e(month)}" data-value="{v}">'
                    f"{tip}</rect>"
                )
                if show_values:
                    out.append(
                        f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" font-size="10" '
                        f'text-anchor="middle" fill="#1d2327">{_fmt(v)}</text>'
                    )
            else:
                x = left + slot * (i + 0.5)
                y = y_of(v)
                points.append(f"{x:.1f},{y:.1f}")
                out.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" data-month="{_e(month)}" '
                    f'data-value="{v}">{tip}</circle>'
                )
        if kind == "line" and points:
            out.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                f'points="{" ".join(points)}"/>'
            )
        out.append("</g>")
    # Axis line and legend.
    out.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{base_y}" y2="{base_y}" stroke="#1d2327"/>'
    )
    out.append('<g class="legend" font-size="12">')
    x = left
    for si, s in enumerate(series):
        colour = PALETTE[si % len(PALETTE)]
        out.append(
            f'<rect x="{x}" y="12" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="22" fill="#1d2327">{_e(s.label)}</text>'
        )
        x += 28 + 7 * len(s.label)
    out.append("</g>")
    if not months:
        out.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{top_pad + plot_h / 2:.1f}" '
            f'text-anchor="middle" font-size="13">No months to show</text>'
        )
    out.append("</svg>")
    return "\n".join(out)
