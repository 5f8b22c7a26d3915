"""How the staff compliance pages show results: table rows, trend panels, column headings.

Figures are formatted by common.formatting (the one place every app formats a percentage);
here they are put together the way compliance's templates lay them out.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outsidein.common.formatting import in_sentence, number, one_place, percent
from outsidein.compliance.charts import ChartText, TrendPoint, trend_chart_svg
from outsidein.compliance.models import ResultSource, TargetMet
from outsidein.compliance.selectors.results import Trend, period_label
from outsidein.standards.vocabulary import Unit


def elapsed_text(value: float | None, unit: str) -> str:
    """A median or 90th percentile with its unit ("3.5 business days")."""
    if value is None or not unit:
        return ""
    shown = one_place(value)
    label = Unit(unit).label if unit in Unit.values else unit
    return f"{shown} {label}"


def excluded_text(excluded: dict) -> str:
    return "; ".join(f"{reason}: {number(n)}" for reason, n in sorted((excluded or {}).items()))


def chart_text() -> ChartText:
    return ChartText(target=_("Target"), not_available=_("n/a"),
                     percent=lambda share: percent(share, 0))


@dataclass(frozen=True)
class ResultRow:
    """One result with its figures formatted for a table row."""

    result: object
    period: str
    share: str  # "" when not available
    interval: str
    volume: str
    target: str
    target_met: str
    pending: str
    excluded: str
    median: str
    p90: str
    can_drill: bool


def result_row(result) -> ResultRow:
    share = percent(result.share) if result.share is not None and result.total else ""
    interval = ""
    if share and result.ci_low is not None and result.ci_high is not None:
        interval = _("%(low)s to %(high)s") % {"low": percent(result.ci_low),
                                               "high": percent(result.ci_high)}
    volume = ""
    if result.total is not None:
        volume = _("%(meeting)s of %(total)s") % {
            "meeting": number(result.meeting) if result.meeting is not None else "—",
            "total": number(result.total)}
    return ResultRow(
        result=result, period=period_label(result.period_kind, result.period_start),
        share=share, interval=interval, volume=volume,
        target=percent(result.target, 0) if result.target is not None else "",
        target_met=TargetMet(result.target_met).label if result.target_met in TargetMet.values
        else result.target_met,
        pending=number(result.pending), excluded=excluded_text(result.excluded),
        median=elapsed_text(result.median_elapsed, result.elapsed_unit),
        p90=elapsed_text(result.p90_elapsed, result.elapsed_unit),
        can_drill=result.source == ResultSource.ENGINE)


def trend_summary(trend: Trend, kind_label: str) -> str:
    """The chart's text alternative: what the latest period shows and the range of the trend."""
    rows = trend.results
    first, last = (period_label(r.period_kind, r.period_start) for r in (rows[0], rows[-1]))
    latest = trend.latest
    parts = [_("Share meeting the standard by %(kind)s, %(first)s to %(last)s.") % {
        "kind": in_sentence(kind_label), "first": first, "last": last}]
    if latest.share is None or not latest.total:
        parts.append(_("Latest period (%(period)s): not available (no records counted).")
                     % {"period": last})
    else:
        parts.append(_("Latest period (%(period)s): %(share)s of %(total)s records "
                       "(95%% interval %(low)s to %(high)s).") % {
            "period": last, "share": percent(latest.share), "total": number(latest.total),
            "low": percent(latest.ci_low), "high": percent(latest.ci_high)})
    if latest.target is not None:
        parts.append(_("Target %(target)s: %(met)s.") % {
            "target": percent(latest.target, 0), "met": TargetMet(latest.target_met).label.lower()})
    known = [r for r in rows if r.share is not None and r.total]
    if len(known) > 1:
        low = min(known, key=lambda r: r.share)
        high = max(known, key=lambda r: r.share)
        parts.append(_("Lowest %(low)s (%(low_period)s), highest %(high)s (%(high_period)s).") % {
            "low": percent(low.share), "low_period": period_label(low.period_kind, low.period_start),
            "high": percent(high.share),
            "high_period": period_label(high.period_kind, high.period_start)})
    missing = len(rows) - len(known)
    if missing:
        parts.append(ngettext("%(n)s period not available.", "%(n)s periods not available.",
                              missing) % {"n": missing})
    return " ".join(parts)


@dataclass(frozen=True)
class TrendPanel:
    trend: Trend
    chart: str
    summary: str
    rows: list[ResultRow]
    latest: ResultRow
    anchor: str


def trend_panel(trend: Trend, kind_label: str) -> TrendPanel:
    anchor = f"trend-{trend.key}"
    points = [TrendPoint(label=period_label(r.period_kind, r.period_start),
                         share=r.share if r.total else None,
                         low=r.ci_low if r.total else None, high=r.ci_high if r.total else None)
              for r in trend.results]
    summary = trend_summary(trend, kind_label)
    title = _("%(standard)s — %(organization)s") % {
        "standard": trend.version.name or trend.standard.code,
        "organization": trend.organization.name}
    chart = trend_chart_svg(points, title=title, description=summary, chart_id=f"{anchor}-chart",
                            target=trend.latest.target, text=chart_text())
    rows = [result_row(r) for r in trend.results]
    return TrendPanel(trend=trend, chart=mark_safe(chart), summary=summary,  # noqa: S308 (escaped)
                      rows=rows, latest=rows[-1], anchor=anchor)


# ---- table headings (each template renders a row's cells in the same order) -----------------

def interval_heading() -> str:
    # The templates' msgid: {% translate %} doubles "%", so the catalogue holds "95%% interval".
    return _("95%% interval") % {}


def latest_columns() -> tuple[str, ...]:
    return (_("Standard"), _("Organization"), _("Service"), _("Channel"), _("Period"),
            _("Share meeting"), interval_heading(), _("Target"), _("Target met"), _("Volume"),
            _("Pending"), _("Excluded"))


def trend_columns() -> tuple[str, ...]:
    return (_("Period"), _("Share meeting"), interval_heading(), _("Target met"), _("Volume"),
            _("Pending"), _("Excluded"), _("Median"), _("90th percentile"), _("Source"))


def record_columns() -> tuple[str, ...]:
    return (_("Record"), _("Started"), _("Stopped"), _("Due"), _("Elapsed"), _("Outcome"),
            _("Exclusion reason"))


def at_risk_columns() -> tuple[str, ...]:
    return (_("Record"), _("Standard"), _("Organization"), _("Channel"), _("Started"),
            _("Deadline"), _("State"))


def guarantee_columns() -> tuple[str, ...]:
    return (_("Standard"), _("Service"), _("Remedy"), _("Approved"))


def breach_period_columns() -> tuple[str, ...]:
    return (_("Period"), _("Guaranteed transactions"), _("Breaches"), _("Refunds owed"),
            _("Refund rate"))


def breach_columns() -> tuple[str, ...]:
    return (_("Record"), _("Period"), _("Organization"), _("Started"), _("Completed"),
            _("Fee paid"), _("Refund owed"))


