"""Staff compliance pages: dashboard with trend charts, drill-down to records, at-risk items,
guarantee breaches. Every page reads only the user's organizations; others' results are 404.
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from outsidein.accounts.selectors import organizations_for_user
from outsidein.common.formatting import in_sentence, percent
from outsidein.common.spreadsheet_safe import csv_download
from outsidein.compliance.downloads import batches_csv, batches_parquet
from outsidein.compliance.engine import breaches as breach_figures
from outsidein.compliance.engine import records as record_reads
from outsidein.compliance.forms import (
    AtRiskForm,
    BreachFilterForm,
    DashboardFilterForm,
    EvidenceForm,
    RecordFilterForm,
)
from outsidein.compliance.models import PeriodKind, ResultAddress, ResultSource
from outsidein.compliance.presentation import (
    at_risk_columns,
    breach_columns,
    breach_period_columns,
    elapsed_text,
    guarantee_columns,
    latest_columns,
    record_columns,
    result_row,
    trend_columns,
    trend_panel,
)
from outsidein.compliance.selectors import breaches as breach_reads
from outsidein.compliance.selectors import evidence as evidence_reads
from outsidein.compliance.selectors.records import at_risk_for_user, cell_reader
from outsidein.compliance.selectors.results import (
    dashboard_trends,
    result_at_address,
    result_for_user,
    results_for_user,
)
from outsidein.standards.models import Service, ServiceStandard
from outsidein.standards.vocabulary import channel_label
from outsidein.warehouse.schema import CHANNELS

RECORDS_PER_PAGE = 50
TRENDS_PER_PAGE = 20


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
        with cell_reader(result) as (reader, cell):
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
    with cell_reader(result) as (reader, cell):
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


# ---- evidence: every record of a selection ---------------------------------------------------

def evidence_form(request) -> EvidenceForm:
    """The selection form over the user's scope (a choice outside it is not a choice)."""
    choices = evidence_reads.evidence_choices(request.user)
    return EvidenceForm(
        request.GET or None, organizations=choices.organizations,
        standards=[(str(s.pk), f"{s.code} ({s.organization.name})") for s in choices.standards],
        services=[(str(s.pk), f"{s.name or s.code} ({s.code})") for s in choices.services],
        channels=[(c, channel_label(c)) for c in CHANNELS]), choices


def selection_of(form: EvidenceForm, choices) -> evidence_reads.Selection:
    data = form.cleaned_data

    def by_pk(items, pk: str):
        return next((i for i in items if str(i.pk) == pk), None)

    return evidence_reads.Selection(
        period=data["period"] or evidence_reads.current_fiscal_year(),
        organization=next((o for o in choices.organizations
                           if o.code == data["organization"]), None),
        standard=by_pk(choices.standards, data["standard"]),
        service=by_pk(choices.services, data["service"]),
        channel=data["channel"], status=data["status"])


def evidence_filename(selection: evidence_reads.Selection, extension: str) -> str:
    """evidence-pex-health-FY2025-26-missed.csv: what the file holds (blank parts left out)."""
    parts = ["evidence", selection.organization.code if selection.organization else "",
             selection.standard.code if selection.standard else "",
             selection.service.code if selection.service else "", selection.channel,
             selection.period.label, selection.status]
    name = "-".join(p for p in parts if p)
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name) + f".{extension}"


@login_required
def evidence(request):
    """Every record of a selection with its outcome, elapsed time, due time and reason, as one
    CSV or Parquet file (the form's buttons); the page itself holds the form."""
    form, choices = evidence_form(request)
    if form.is_bound and form.is_valid() and form.cleaned_data["format"]:
        selection = selection_of(form, choices)
        found = evidence_reads.evidence_for_user(request.user, selection)
        batches = evidence_reads.evidence_batches(found, selection)
        schema = evidence_reads.EVIDENCE_SCHEMA
        if form.cleaned_data["format"] == "parquet":
            return batches_parquet(evidence_filename(selection, "parquet"), schema, batches)
        return batches_csv(evidence_filename(selection, "csv"), schema, batches)
    return render(request, "compliance/evidence.html", {
        "form": form, "columns": evidence_reads.EVIDENCE_COLUMNS,
        "fiscal_year": evidence_reads.current_fiscal_year().label})


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
    found = at_risk_for_user(request.user, business_hours=hours,
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
        "standards": breach_reads.guaranteed_standards_for_user(request.user),
        "columns": guarantee_columns()})


def _guaranteed_standard(user, pk: int):
    standard = get_object_or_404(ServiceStandard.objects.select_related(
        "guarantee", "organization", "service"), pk=pk, guarantee__isnull=False)
    organizations = breach_reads.breach_organizations(user, standard)
    if not organizations or not standard.guarantee.is_approved:
        raise Http404
    return standard, organizations


def _breach_report(request, pk: int):
    standard, organizations = _guaranteed_standard(request.user, pk)
    form = BreachFilterForm(request.GET or None)
    kind = (form.cleaned_data["period"] if form.is_valid() else "") or PeriodKind.MONTH
    report = breach_reads.guarantee_breaches(standard=standard, organizations=organizations,
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
