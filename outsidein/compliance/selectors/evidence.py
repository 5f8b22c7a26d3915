"""Reads: every record behind the results of a selection, with its outcome, in batches.

A selection is what a person picks (organization subtree, standard, service, channel, period,
status); the records are those the stored results of that selection counted, judged by the
engine's own rule (compliance.engine.records) as of each version's latest run, so the file adds
up to the dashboard's figures. Each version is read on its own reader, in record batches: a
download of millions of records never holds them all (the engine streams them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from django.db.models import Max, Q
from django.utils import timezone

from outsidein.accounts.models import Organization, path_ids
from outsidein.accounts.selectors import organizations_for_user
from outsidein.compliance.engine.periods import Period, day_from_number, period_of
from outsidein.compliance.engine.records import (
    ANY,
    STATUS_FILTERS,
    CellFilter,
    RecordReader,
    status_name,
    unit_factor,
)
from outsidein.compliance.models import ComplianceResult, ResultSource
from outsidein.compliance.selectors.plans import organizations_under, version_plan, versions_to_measure
from outsidein.compliance.selectors.records import default_dataset
from outsidein.standards.models import IN_FORCE, Service, ServiceStandard, StandardVersion
from outsidein.warehouse.engines import open_engine

BATCH_ROWS = 10_000
_TIME = pa.timestamp("us", tz="UTC")
# A row of the download: which result counted the record, the record, and how it was judged.
EVIDENCE_SCHEMA = pa.schema([
    ("standard", pa.string()), ("version", pa.int32()), ("organization", pa.string()),
    ("service", pa.string()), ("channel", pa.string()), ("source", pa.string()),
    ("record_id", pa.string()), ("start_date", pa.date32()), ("status", pa.string()),
    ("exclusion_reason", pa.string()), ("elapsed", pa.float64()), ("unit", pa.string()),
    ("started_at", _TIME), ("stopped_at", _TIME), ("due_at", _TIME),
])
EVIDENCE_COLUMNS = tuple(EVIDENCE_SCHEMA.names)


@dataclass(frozen=True)
class Selection:
    """What to download; blank parts select everything in the user's scope."""

    period: Period
    organization: Organization | None = None  # with everything beneath it
    standard: ServiceStandard | None = None
    service: Service | None = None  # records counted under this service's code
    channel: str = ""
    status: str = ""  # a name of STATUS_FILTERS, blank for every outcome


@dataclass
class Evidence:
    """The versions a selection reads, each over the organizations it covers there."""

    parts: list[tuple[StandardVersion, list[Organization]]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.parts)


@dataclass(frozen=True)
class EvidenceChoices:
    """What a user may pick: organizations in scope, and the standards and services that
    apply to them (their own or those of an organization above them)."""

    organizations: list[Organization]
    standards: list[ServiceStandard]
    services: list[Service]


def evidence_choices(user) -> EvidenceChoices:
    organizations = list(organizations_for_user(user).order_by("path"))
    above = {pk for o in organizations for pk in path_ids(o.path)}
    standards = list(ServiceStandard.objects.filter(organization__in=above)
                     .filter(versions__status__in=IN_FORCE).distinct()
                     .select_related("organization").order_by("code", "pk"))
    services = list(Service.objects.filter(organization__in=above)
                    .select_related("organization").order_by("code", "pk"))
    return EvidenceChoices(organizations=organizations, standards=standards, services=services)


def current_fiscal_year(today: dt.date | None = None) -> Period:
    """The fiscal year of today, the download's period unless one is chosen."""
    return period_of("fiscal_year", today or timezone.localdate())


def evidence_for_user(user, selection: Selection) -> Evidence:
    """The versions and organizations of a selection within the user's scope (none outside)."""
    scope = organizations_for_user(user)
    if selection.organization is not None:
        scope = scope & selection.organization.subtree()
    if selection.service is not None:
        scope = scope & selection.service.organization.subtree()
    allowed = {o.pk: o for o in scope}
    found = Evidence()
    versions = versions_to_measure().filter(
        effective_from__lte=selection.period.end).exclude(
        effective_to__lt=selection.period.start).order_by("standard__code", "number")
    if selection.standard is not None:
        versions = versions.filter(standard=selection.standard)
    if selection.service is not None:  # standards of that service, or of no one service
        versions = versions.filter(Q(standard__service__isnull=True)
                                   | Q(standard__service__code=selection.service.code))
    for version in versions:
        organizations = [o for o in organizations_under(version.standard.organization)
                         if o.pk in allowed]
        if organizations:
            found.parts.append((version, organizations))
    return found


def _as_of(version: StandardVersion) -> dt.datetime:
    """The instant of the version's latest run (the dashboard's figures), else now."""
    latest = (ComplianceResult.objects.filter(version=version, source=ResultSource.ENGINE)
              .aggregate(as_of=Max("as_of"))["as_of"])
    return latest or timezone.now().replace(microsecond=0)


def _readers(evidence: Evidence, selection: Selection, engine, dataset
             ) -> Iterator[tuple[StandardVersion, dict[int, str], RecordReader, CellFilter]]:
    for version, organizations in evidence.parts:
        plan, calendars = version_plan(version, organizations)
        reader = RecordReader(engine, plan, calendars, dataset or default_dataset(),
                              _as_of(version), selection.period.start, selection.period.end)
        cell = CellFilter(first_day=selection.period.start, last_day=selection.period.end,
                          service=selection.service.code if selection.service else ANY,
                          channel=selection.channel or ANY,
                          statuses=STATUS_FILTERS.get(selection.status, ()))
        yield version, {o.pk: o.code for o in organizations}, reader, cell


def evidence_batches(evidence: Evidence, selection: Selection, *, engine=None,
                     dataset: Path | str | None = None,
                     size: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    """Record batches (EVIDENCE_SCHEMA) of every record of the selection, version by version.

    A generator: with no engine given it opens one and closes it when the caller stops reading,
    so a streamed download holds the engine exactly as long as it streams."""
    owned = engine is None
    engine = engine or open_engine()
    try:
        for version, codes, reader, cell in _readers(evidence, selection, engine, dataset):
            for batch in reader.batches(cell, size=size):
                yield evidence_batch(batch, version=version, codes=codes)
    finally:
        if owned:
            engine.close()


def evidence_page(evidence: Evidence, selection: Selection, *, offset: int, limit: int,
                  engine=None, dataset: Path | str | None = None) -> tuple[int, pa.Table]:
    """(records of the whole selection, the `limit` records from `offset`), in the download's
    order: each version's count is read first, so a page reads only the versions it covers."""
    owned = engine is None
    engine = engine or open_engine()
    batches, total = [], 0
    try:
        for version, codes, reader, cell in _readers(evidence, selection, engine, dataset):
            count = sum(reader.counts(cell).values())
            start = max(0, offset - total)
            wanted = limit - sum(b.num_rows for b in batches)
            if start < count and wanted > 0:
                rows = reader.rows(cell, limit=wanted, offset=start)
                batches += [evidence_batch(b, version=version, codes=codes)
                            for b in rows.to_batches() if b.num_rows]
            total += count
    finally:
        if owned:
            engine.close()
    return total, pa.Table.from_batches(batches, schema=EVIDENCE_SCHEMA)


def evidence_batch(batch: pa.RecordBatch, *, version: StandardVersion,
                   codes: dict[int, str]) -> pa.RecordBatch:
    """A reader's batch (records.RECORD_COLUMNS) as rows of the download."""
    n = batch.num_rows
    unit = version.unit if version.unit != "none" else ""
    factor = unit_factor(version.unit)
    org_ids = batch.column("org_id").to_pylist()
    statuses = batch.column("status").to_pylist()
    elapsed = pc.cast(batch.column("elapsed"), pa.float64())
    if factor != 1:
        elapsed = pc.divide(elapsed, float(factor))
    days = batch.column("day").to_pylist()

    def at(name: str) -> pa.Array:
        column = batch.column(name)
        return pa.nulls(n, _TIME) if pa.types.is_null(column.type) else pc.cast(column, _TIME)

    columns = {
        "standard": pa.array([version.standard.code] * n, pa.string()),
        "version": pa.array([version.number] * n, pa.int32()),
        "organization": pa.array([codes.get(o, str(o)) for o in org_ids], pa.string()),
        "service": pc.cast(batch.column("service"), pa.string()),
        "channel": pc.cast(batch.column("channel"), pa.string()),
        "source": pc.cast(batch.column("source"), pa.string()),
        "record_id": pc.cast(batch.column("record_id"), pa.string()),
        "start_date": pa.array([None if d is None else day_from_number(d) for d in days],
                               pa.date32()),
        "status": pa.array([status_name(s) for s in statuses], pa.string()),
        "exclusion_reason": pc.cast(batch.column("reason"), pa.string()),
        "elapsed": elapsed,
        "unit": pa.array([unit] * n, pa.string()),
        "started_at": at("started_at"), "stopped_at": at("stopped_at"), "due_at": at("due_at"),
    }
    return pa.record_batch([columns[name] for name in EVIDENCE_COLUMNS], schema=EVIDENCE_SCHEMA)
