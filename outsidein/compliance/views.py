"""Staff compliance pages: dashboard with trend charts, drill-down to records, at-risk items,
guarantee breaches. Every page reads only the user's organizations; others' results are 404.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outsidein.accounts.selectors import organizations_for_user
from outsidein.common.spreadsheet_safe import csv_download
from outsidein.compliance import breaches as breach_figures
from outsidein.compliance import records as record_reads
from outsidein.compliance.charts import ChartText, TrendPoint, trend_chart_svg
from outsidein.compliance.dashboard_selectors import (
    Trend,
    dashboard_trends,
    period_label,
    result_at_address,
    result_for_user,
    results_for_user,
)
from outsidein.compliance.forms import (
    AtRiskForm,
    BreachFilterForm,
    DashboardFilterForm,
    RecordFilterForm,
)
from outsidein.compliance.models import PeriodKind, ResultAddress, ResultSource, TargetMet
from outsidein.standards.models import Service, ServiceStandard
from outsidein.standards.vocabulary import Unit

RECORDS_PER_PAGE = 50
TRENDS_PER_PAGE = 20


# ---- figures as people read them ------------------------------------------------------------

def percent(share: float | None, places: int = 1) -> str:
    """0.8421 → "84.2%" (localized); blank for no share."""
    if share is None:
        return ""
    value = formats.number_format(round(share * 100, places), decimal_pos=places, use_l10n=True)
    return _("%(value)s%%") % {"value": value}


def in_sentence(label: str) -> str:
    """A label inside a sentence: "Fiscal year (April–March)" → "fiscal year (April–March)"."""
    label = str(label)
    return label[:1].lower() + label[1:]


def number(value: int | float | None) -> str:
    if value is None:
        return ""
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def elapsed_text(value: float | None, unit: str) -> str:
    """A median or 90th percentile with its unit ("3.5 business days")."""
    if value is None or not unit:
        return ""
    shown = formats.number_format(round(value, 1), decimal_pos=1 if value % 1 else 0,
                                  use_l10n=True)
    label = Unit(unit).label if unit in Unit.values else unit
    return f"{shown} {label}"


def excluded_text(excluded: dict) -> str:
    return "; ".join(f"{reason}: {number(n)}" for reason, n in sorted((excluded or {}).items()))


def chart_text() -> ChartText:
    return ChartText(target=_("Target"), not_available=_("n/a"),
                     percent=lambda v: _("%(value)s%%") % {"value": formats.number_format(
                         round(v), decimal_pos=0, use_l10n=True)})


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
    return (_("Record"), _("Started"), _("Stopped"), _("Elapsed"), _("Outcome"),
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


# ---- dashboard ------------------------------------------------------------------------------

@login_required
def dashboard(request):
    """Latest share per standard with its interval, target and volume; a trend per standard."""
    organizations = list(organizations_for_user(request.user))
    service_ids = (results_for_user(request.user).exclude(service=None)
                   .values_list("service_id", flat=True).distinct())
    services = list(Service.objects.filter(pk__in=service_ids).order_by("name_en"))
    form = DashboardFilterForm(request.GET or None, organizations=organizations,
                               services=services)
    kind, organization, service = PeriodKind.MONTH, None, None
    if form.is_valid():
        kind = form.cleaned_data["period"] or PeriodKind.MONTH
        code = form.cleaned_data["organization"]
        organization = next((o for o in organizations if o.code == code), None)
        chosen = form.cleaned_data["service"]
        service = next((s for s in services if str(s.pk) == chosen), None)
    trends = dashboard_trends(user=request.user, period_kind=kind, organization=organization,
                              service=service)
    if not request.GET.get("period") and not trends.count():
        # Reported figures (e.g. the GC file) come by fiscal year only: show those rather
        # than an empty page.
        kind = PeriodKind.FISCAL_YEAR
        trends = dashboard_trends(user=request.user, period_kind=kind,
                                  organization=organization, service=service)
        if not form.is_bound:
            form.initial["period"] = kind
    kind_label = str(PeriodKind(kind).label)
    page = Paginator(trends, TRENDS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "compliance/dashboard.html", {
        "form": form, "page": page, "panels": [trend_panel(t, kind_label) for t in page],
        "kind_phrase": in_sentence(kind_label), "total": trends.count(),
        "latest_columns": latest_columns(), "trend_columns": trend_columns(),
    })


# ---- drill-down ------------------------------------------------------------------------------

class _RecordSequence:
    """The filtered records of a cell as a sequence a Paginator can slice (one query a page)."""

    def __init__(self, reader, cell, count: int):
        self.reader, self.cell, self.count_ = reader, cell, count

    def __len__(self) -> int:
        return self.count_

    def count(self) -> int:
        return self.count_

    def __getitem__(self, key):
        if not isinstance(key, slice):
            raise TypeError("records are read a page at a time")
        start, stop = key.start or 0, key.stop if key.stop is not None else self.count_
        table = self.reader.rows(self.cell, limit=max(0, stop - start), offset=start)
        return record_reads.as_dicts(table)


def _status_filter(request) -> str:
    form = RecordFilterForm(request.GET or None)
    return form.cleaned_data["status"] if form.is_valid() else ""


def _record_view(row: dict, unit: str) -> dict:
    factor = record_reads.unit_factor(unit)
    elapsed = row.get("elapsed")
    row["elapsed_text"] = elapsed_text(None if elapsed is None else elapsed / factor, unit)
    return row


def _addressed_result(request, version_id: int, organization: str, period: str):
    address = ResultAddress.from_request(version_id=version_id, organization=organization,
                                         period=period, query=request.GET)
    return result_at_address(user=request.user, address=address)


@login_required
def result_records(request, version_id: int, organization: str, period: str):
    """The records behind one result, a page at a time, filtered by outcome."""
    result = _addressed_result(request, version_id, organization, period)
    status = _status_filter(request)
    context = {"result": result, "row": result_row(result),
               "form": RecordFilterForm(request.GET or None), "status": status,
               "csv_url": result.address.url("records_csv", status=status),
               "counts": None, "page": None, "columns": record_columns()}
    if result.source == ResultSource.ENGINE:
        with record_reads.cell_reader(result) as (reader, cell):
            counts = reader.counts(cell)
            chosen = record_reads.with_status(cell, status)
            shown = sum(n for s, n in counts.items() if not chosen.statuses or s in chosen.statuses)
            page = Paginator(_RecordSequence(reader, chosen, shown), RECORDS_PER_PAGE).get_page(
                request.GET.get("page"))
            page.object_list = [_record_view(r, result.elapsed_unit) for r in page.object_list]
        context.update(counts=record_reads.counts_by_name(counts), page=page)
    return render(request, "compliance/records.html", context)


def _kept(request, *names: str) -> dict[str, str]:
    return {name: request.GET[name] for name in names if request.GET.get(name)}


@login_required
def result_records_by_id(request, pk: int):
    """A link of before stable addresses: to the result's address while its row lasts, else 404."""
    result = result_for_user(request.user, pk)
    return redirect(result.address.url("records", **_kept(request, "status", "page")))


@login_required
def result_records_csv(request, version_id: int, organization: str, period: str):
    """The same records as CSV (every page), for the same filter."""
    result = _addressed_result(request, version_id, organization, period)
    if result.source != ResultSource.ENGINE:
        raise Http404
    status = _status_filter(request)
    with record_reads.cell_reader(result) as (reader, cell):
        table = reader.rows(record_reads.with_status(cell, status))
    factor = record_reads.unit_factor(result.elapsed_unit)
    return csv_download(records_filename(result, status), record_reads.CSV_COLUMNS,
                        record_reads.csv_rows(table, factor))


def records_filename(result, status: str) -> str:
    """records-CSS-MAIL-RESPONSE-v1-o1-2025-06-mail-missed.csv: what the file holds, as the
    address names it (blank parts left out)."""
    address = result.address
    parts = ["records", result.version.standard.code, f"v{result.version.number}",
             address.organization, address.period, address.service, address.channel,
             "" if result.source == ResultSource.ENGINE else result.source, status]
    name = "-".join(p for p in parts if p)
    # A standard's code is free text: keep the file name to characters every system accepts.
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name) + ".csv"


@login_required
def result_records_csv_by_id(request, pk: int):
    """A CSV link of before stable addresses: to the result's address while its row lasts."""
    result = result_for_user(request.user, pk)
    return redirect(result.address.url("records_csv", **_kept(request, "status")))


# ---- at risk ---------------------------------------------------------------------------------

@login_required
def at_risk(request):
    """Open items (clock started, not stopped) overdue or breaching within N business hours."""
    organizations = list(organizations_for_user(request.user))
    form = AtRiskForm(request.GET or None, organizations=organizations)
    hours, organization = 8, None
    if form.is_valid():
        hours = form.cleaned_data["hours"] or 8
        code = form.cleaned_data["organization"]
        organization = next((o for o in organizations if o.code == code), None)
    found = record_reads.at_risk_for_user(request.user, business_hours=hours,
                                          organization=organization)
    items = [{"item": i, "version": found.versions[i.version_id],
              "organization": found.organizations.get(i.org_id)} for i in found.items]
    page = Paginator(items, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "compliance/at_risk.html", {
        "form": form, "hours": hours, "page": page, "columns": at_risk_columns(),
        "overdue": sum(1 for i in found.items if i.overdue),
        "at_risk": sum(1 for i in found.items if not i.overdue),
    })


# ---- guarantees ------------------------------------------------------------------------------

@login_required
def guarantees(request):
    """Standards with an approved guarantee in the user's organizations."""
    return render(request, "compliance/guarantees.html", {
        "standards": breach_figures.guaranteed_standards_for_user(request.user),
        "columns": guarantee_columns()})


def _guaranteed_standard(user, pk: int):
    standard = get_object_or_404(ServiceStandard.objects.select_related(
        "guarantee", "organization", "service"), pk=pk, guarantee__isnull=False)
    organizations = breach_figures.breach_organizations(user, standard)
    if not organizations or not standard.guarantee.is_approved:
        raise Http404
    return standard, organizations


def _breach_report(request, pk: int):
    standard, organizations = _guaranteed_standard(request.user, pk)
    form = BreachFilterForm(request.GET or None)
    kind = (form.cleaned_data["period"] if form.is_valid() else "") or PeriodKind.MONTH
    report = breach_figures.guarantee_breaches(standard=standard, organizations=organizations,
                                               period_kind=kind)
    return standard, form, kind, report


@login_required
def guarantee_breaches(request, pk: int):
    """A guaranteed standard's breaches per period: count, refunds owed, refund rate."""
    standard, form, kind, report = _breach_report(request, pk)
    page = Paginator(report.breaches, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "compliance/breaches.html", {
        "standard": standard, "form": form, "report": report, "page": page,
        "kind_phrase": in_sentence(PeriodKind(kind).label), "period_columns": breach_period_columns(),
        "breach_columns": breach_columns(),
        "periods": [{"period": p, "rate": percent(p.refund_rate, 2)} for p in report.periods],
        "total_rate": percent(report.total.refund_rate, 2),
    })


@login_required
def guarantee_breaches_csv(request, pk: int):
    """Every breach of the guarantee with the refund owed, for finance."""
    standard, _form, _kind, report = _breach_report(request, pk)
    return csv_download(f"breaches-{standard.code}.csv", breach_figures.CSV_COLUMNS,
                        (b.csv_row() for b in report.breaches))
