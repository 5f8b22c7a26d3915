"""The export service: fiscal-year results back into the GC service-standards layout."""

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from django.db.models import Q

from outsidein.accounts.models import Organization
from outsidein.compliance.models import ComplianceResult, PeriodKind
from outsidein.exchange.federal import ROOT_CODE
from outsidein.exchange.gc_standards.layout import COLUMNS
from outsidein.exchange.gc_standards.mapping import row_for_result
from outsidein.exchange.rows import owner_title


def results_to_export(organizations: Iterable[Organization] | None = None,
                      source: str | None = None) -> list[ComplianceResult]:
    """Fiscal-year results of the organizations' subtrees (default: the Government of Canada's),
    in the publisher's order: by fiscal year, then owner title, then as they were stored."""
    if organizations is None:
        root = Organization.objects.filter(code=ROOT_CODE).first()
        organizations = [root] if root is not None else []
    organizations = list(organizations)
    if not organizations:
        return []
    within = Q(organization__in=Organization.objects.within(*organizations))
    results = (ComplianceResult.objects.filter(within, period_kind=PeriodKind.FISCAL_YEAR)
               .select_related("version__standard", "organization", "service"))
    if source:
        results = results.filter(source=source)
    # A stable order the database cannot give (the title is two columns): sorted here.
    return sorted(results, key=lambda r: (r.period_start, owner_title(r.organization), r.pk))


def standards_export_gc(*, file: str | Path | IO[str],
                        organizations: Iterable[Organization] | None = None,
                        source: str | None = None) -> int:
    """Write fiscal-year results in the GC layout (the publisher's header and column order).

    Returns the number of rows written. A path is written as UTF-8 with a byte-order mark and
    CRLF line ends, like the published file; performance and target met are our own figures,
    written as the publisher writes them (gc_standards.rules).
    """
    results = results_to_export(organizations, source)
    if isinstance(file, str | Path):
        with Path(file).open("w", encoding="utf-8-sig", newline="") as stream:
            return _write_rows(stream, results)
    return _write_rows(file, results)


def _write_rows(stream: IO[str], results: list[ComplianceResult]) -> int:
    # A plain writer on purpose: this is the publisher's interchange file, read back by programs
    # (theirs and our import), and the publisher's own values start with "-" (decision 0010).
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    for result in results:
        row = row_for_result(result)
        writer.writerow([row[column] for column in COLUMNS])
    return len(results)
