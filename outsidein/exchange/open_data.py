"""Open data: every published fiscal-year result in the Government of Canada service-standard
layout (the columns of the GC "service-std" resource), with small cells suppressed.

Rows are written by the GC standards exporter's own mapping (gc_standards.mapping.row_for_result),
so the two files cannot drift apart. What is published:
- fiscal-year results of public services (Service.is_public) whose standard has a published
  (or since superseded) version;
- one row per standard version, service and fiscal year: the cells of several offices or
  channels are added up; results computed from records are preferred to reported figures;
- a row counting fewer than 10 records (MIN_CELL) is suppressed: both volumes and the
  performance blank, target met NA, and the comments say why.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict

from outsidein.common.spreadsheet_safe import SafeCsvWriter
from outsidein.compliance.models import ComplianceResult, PeriodKind, ResultSource
from outsidein.exchange.gc_standards.layout import COLUMNS
from outsidein.exchange.gc_standards.mapping import row_for_result
from outsidein.exchange.gc_standards.rules import gc_target_met
from outsidein.exchange.rows import owner_title
from outsidein.standards.models import IN_FORCE

MIN_CELL = 10
SUPPRESSED_EN = "Fewer than 10 transactions: volumes and performance suppressed."
SUPPRESSED_FR = "Moins de 10 transactions : volumes et rendement supprimés."


def published_results() -> list[ComplianceResult]:
    """One result per version, public service and fiscal year (cells added up), in order."""
    cells = (ComplianceResult.objects
             .filter(period_kind=PeriodKind.FISCAL_YEAR, service__is_public=True,
                     version__status__in=IN_FORCE)
             .select_related("version__standard", "organization", "service__organization")
             .order_by("pk"))
    groups: dict[tuple, list[ComplianceResult]] = defaultdict(list)
    for cell in cells:
        groups[(cell.version_id, cell.service_id, cell.period_start)].append(cell)
    results = []
    for members in groups.values():
        engine = [c for c in members if c.source == ResultSource.ENGINE]
        results.append(_combined(engine or members))
    return sorted(results, key=lambda r: (r.period_start, owner_title(r.organization),
                                          r.service.code, r.version.standard.code))


def _combined(cells: list[ComplianceResult]) -> ComplianceResult:
    """The cells as one unsaved result of the service's organization (one cell: itself)."""
    if len(cells) == 1:
        return cells[0]
    first = cells[0]
    totals = [c.total for c in cells if c.total is not None]
    total = sum(totals) if totals else None
    meeting = None
    if total is not None and all(c.meeting is not None for c in cells if c.total is not None):
        meeting = sum(c.meeting for c in cells if c.total is not None)
    channels = {c.channel for c in cells}
    return ComplianceResult(
        version=first.version, organization=first.service.organization, service=first.service,
        channel=channels.pop() if len(channels) == 1 else "", period_kind=first.period_kind,
        period_start=first.period_start, period_end=first.period_end, source=first.source,
        total=total, meeting=meeting, target=first.target,
        target_met=gc_target_met(meeting, total, first.version.target_share))


def suppressed(result: ComplianceResult) -> bool:
    """Fewer than MIN_CELL records: the figures could point at a few people."""
    return result.total is not None and result.total < MIN_CELL


def open_data_row(result: ComplianceResult, base_url: str = "") -> dict[str, str]:
    """The layout row of a result, small cells suppressed; blank URIs point at the service's
    public page (its standards, targets and results) when `base_url` is given."""
    row = row_for_result(result)
    if base_url:
        for lang in ("en", "fr"):
            page = f"{base_url.rstrip('/')}/{lang}/services/{result.service.slug}/"
            for column in (f"standards_targets_uri_{lang}", f"performance_results_uri_{lang}"):
                row[column] = row[column] or page
    if suppressed(result):
        row.update(volume_meeting_target="", total_volume="", performance="", target_met="NA")
        for column, note in (("comments_en", SUPPRESSED_EN), ("comments_fr", SUPPRESSED_FR)):
            row[column] = f"{row[column]} {note}".strip()
    return row


def open_data_rows(base_url: str = "") -> list[dict[str, str]]:
    """Every published result as a layout row."""
    return [open_data_row(r, base_url) for r in published_results()]


def open_data_csv(base_url: str = "") -> str:
    """The rows as CSV text: the publisher's header and column order, CRLF line ends, and
    formula-like cells neutralized for spreadsheets (the JSON file has every value as stored)."""
    stream = io.StringIO()
    writer = SafeCsvWriter(stream)
    writer.writerow(COLUMNS)
    for row in open_data_rows(base_url):
        writer.writerow([row[c] for c in COLUMNS])
    return stream.getvalue()


def open_data_json(base_url: str = "") -> str:
    """The rows as JSON: {"fields": [...], "records": [{column: value}, ...]}."""
    return json.dumps({"fields": list(COLUMNS), "records": open_data_rows(base_url),
                       "suppression": {"min_records": MIN_CELL, "en": SUPPRESSED_EN,
                                       "fr": SUPPRESSED_FR}},
                      ensure_ascii=False, indent=1)
