"""Trend charts as server-rendered SVG (pure Python): no script, no inline style, no library.

A chart draws a share per period as a line with dots, its 95% interval as a band, the target
as a dashed line, and the period labels. Periods without a share leave a gap in the line and
show "n/a" on the axis: blank is not zero. The SVG names itself with <title> and <desc>;
pages put a sentence and the data table beside it (the chart is never the only way to read
the figures).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

# Colours with at least 3:1 contrast on white for the marks (WCAG 1.4.11); the band is a tint.
LINE = "#0b5fab"
BAND = "#c8dcf0"
TARGET = "#b3001e"
GRID = "#d6d6d6"
TEXT = "#1a1a1a"
MAX_X_LABELS = 12


@dataclass(frozen=True)
class TrendPoint:
    """One period of a trend: its label, the share (None: not available) and its interval."""

    label: str
    share: float | None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class ChartText:
    """The words a chart writes (translated by the caller)."""

    target: str = "Target"
    not_available: str = "n/a"
    percent: Callable[[float], str] = lambda share: f"{share * 100:.0f}%"  # a share as "84%"


def _runs(values: Sequence[float | None]) -> list[list[int]]:
    """Indices of consecutive non-None values."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, value in enumerate(values):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            if current:
                runs.append(current)
            current = []
        else:
            current.append(i)
    if current:
        runs.append(current)
    return runs


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def trend_chart_svg(points: Sequence[TrendPoint], *, title: str, description: str,
                    target: float | None = None, chart_id: str = "chart",
                    text: ChartText | None = None, width: int = 640,
                    height: int = 260) -> str:
    """An accessible SVG line chart of shares (0 to 1) with interval band and target line."""
    text = text or ChartText()
    left, right, top, bottom = 52, 16, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(points)

    def x(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def y(share: float) -> float:
        return top + plot_h * (1 - min(max(share, 0.0), 1.0))

    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="oi-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{title_id} {desc_id}" id={quoteattr(chart_id)}>',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        '<g class="oi-chart__grid" aria-hidden="true">',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        ty = _num(y(tick))
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{ty}" y2="{ty}" '
                   f'stroke="{GRID}" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{ty}" text-anchor="end" dominant-baseline="middle" '
                   f'font-size="12" fill="{TEXT}">{escape(text.percent(tick))}</text>')
    out.append("</g>")

    # The interval: one band per run of periods that have one.
    band = [p.low if p.low is not None and p.high is not None else None for p in points]
    out.append('<g class="oi-chart__band" aria-hidden="true">')
    for run in _runs(band):
        if len(run) == 1:
            i = run[0]
            top_y, low_y = y(points[i].high), y(points[i].low)
            out.append(f'<rect x="{_num(x(i) - 6)}" y="{_num(top_y)}" width="12" '
                       f'height="{_num(max(low_y - top_y, 1))}" fill="{BAND}"/>')
            continue
        upper = [f"{_num(x(i))},{_num(y(points[i].high))}" for i in run]
        lower = [f"{_num(x(i))},{_num(y(points[i].low))}" for i in reversed(run)]
        out.append(f'<polygon points="{" ".join(upper + lower)}" fill="{BAND}"/>')
    out.append("</g>")

    if target is not None:
        ty = _num(y(target))
        out.append(f'<g class="oi-chart__target" aria-hidden="true">'
                   f'<line x1="{left}" x2="{width - right}" y1="{ty}" y2="{ty}" stroke="{TARGET}" '
                   f'stroke-width="2" stroke-dasharray="6 4"/>'
                   f'<text x="{width - right}" y="{_num(y(target) - 5)}" text-anchor="end" '
                   f'font-size="12" fill="{TARGET}" stroke="#ffffff" stroke-width="3" '
                   f'paint-order="stroke">'
                   f'{escape(text.target)} {escape(text.percent(target))}</text></g>')

    shares = [p.share for p in points]
    out.append('<g class="oi-chart__line" aria-hidden="true">')
    for run in _runs(shares):
        if len(run) > 1:
            coords = " ".join(f"{_num(x(i))},{_num(y(shares[i]))}" for i in run)
            out.append(f'<polyline points="{coords}" fill="none" stroke="{LINE}" '
                       f'stroke-width="2.5"/>')
    for i, share in enumerate(shares):
        if share is not None:
            out.append(f'<circle cx="{_num(x(i))}" cy="{_num(y(share))}" r="4" fill="{LINE}"/>')
    out.append("</g>")

    step = max(1, math.ceil(n / MAX_X_LABELS))
    base = top + plot_h
    out.append('<g class="oi-chart__periods" aria-hidden="true">')
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{base}" y2="{base}" stroke="{TEXT}" '
               f'stroke-width="1"/>')
    for i, point in enumerate(points):
        shown = (n - 1 - i) % step == 0  # always label the latest period
        if shown:
            out.append(f'<text x="{_num(x(i))}" y="{base + 16}" text-anchor="middle" '
                       f'font-size="11" fill="{TEXT}">{escape(point.label)}</text>')
        if point.share is None:
            out.append(f'<text x="{_num(x(i))}" y="{base - 6}" text-anchor="middle" '
                       f'font-size="11" fill="{TEXT}">{escape(text.not_available)}</text>')
    out.append("</g></svg>")
    return "".join(out)
