"""Reads: the records behind a stored result, and the open items at risk in a user's scope.

The engine (compliance.engine.records, .at_risk) reads records from plain plans and calendars;
these functions build them from the database and open an engine on this installation's store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from django.utils import timezone

from outsidein.accounts.models import path_ids
from outsidein.accounts.selectors import organizations_for_user
from outsidein.compliance.engine.at_risk import OpenItem, at_risk_items
from outsidein.compliance.engine.records import CellFilter, RecordReader
from outsidein.compliance.engine.rules import ClockUnit
from outsidein.compliance.models import ComplianceResult
from outsidein.compliance.selectors.plans import run_plans, version_plan, versions_to_measure
from outsidein.standards.models import Service
from outsidein.warehouse.engines import open_engine
from outsidein.warehouse.store import InteractionStore, default_root


def default_dataset() -> str:
    """The live files of this installation's interaction store (as compliance_run reads it)."""
    return InteractionStore(default_root()).dataset_glob()


def reading_engine(engine):
    """The engine, able to scan this installation's store wherever it lives (on object
    storage, as an Arrow dataset listed from the store's manifest: ADR 0022)."""
    return InteractionStore(default_root()).reading(engine)


def known_service_codes(organization) -> tuple[str, ...]:
    """Service codes offered by the organization or an ancestor (what the engine calls known:
    the same chain as plans.service_ids, which the runs use)."""
    return tuple(sorted(set(Service.objects.filter(organization__in=path_ids(organization.path))
                            .values_list("code", flat=True))))


def result_cell(result: ComplianceResult, *, known: tuple[str, ...] | None = None) -> CellFilter:
    """The filter of a stored result's records: its organization, service, channel and dates.

    `known`: the organization's known service codes when the caller has them already."""
    if known is None and not result.service_id:
        known = known_service_codes(result.organization)
    return CellFilter(first_day=result.period_start, last_day=result.period_end,
                      org_id=result.organization_id,
                      service=result.service.code if result.service_id else None,
                      known_services=() if result.service_id else known,
                      channel=result.channel)


@contextmanager
def cell_reader(result: ComplianceResult, *, engine=None, dataset: Path | None = None
                ) -> Iterator[tuple[RecordReader, CellFilter]]:
    """(reader, cell) for the records behind a stored result, on a fresh engine by default."""
    plan, calendars = version_plan(result.version, [result.organization])
    as_of = result.as_of or result.computed_at
    owned = engine is None
    engine = reading_engine(engine or open_engine())
    try:
        reader = RecordReader(engine, plan, calendars, dataset or default_dataset(), as_of,
                              result.period_start, result.period_end)
        yield reader, result_cell(result)
    finally:
        if owned:
            engine.close()


@dataclass(frozen=True)
class AtRiskList:
    """Open items of the versions in force, with the versions and organizations they refer to."""

    items: list[OpenItem]
    versions: dict[int, object]
    organizations: dict[int, object]


def at_risk_for_user(user, *, business_hours: int, organization=None,
                     now: dt.datetime | None = None, engine=None,
                     dataset: Path | None = None) -> AtRiskList:
    """Overdue and at-risk open items of time standards in force, in the user's organizations.

    One query per standard version over the store, on one engine with one clock table.
    """
    now = (now or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    today = now.date()
    scope = organizations_for_user(user)
    if organization is not None:
        scope = scope & organization.subtree()
    scope = {o.pk: o for o in scope.order_by("path")}
    found = AtRiskList(items=[], versions={}, organizations=scope)
    versions = [v for v in versions_to_measure()
                if v.effective_from <= today and (v.effective_to is None or v.effective_to >= today)]
    runs = run_plans(versions)
    plans = []
    for plan in runs.plans:
        if not isinstance(plan.rule.unit_type, ClockUnit):
            continue
        mine = tuple(o for o in plan.organizations if o[1] in scope)
        if mine:
            plans.append(replace(plan, organizations=mine))
    if not plans:
        return found
    owned = engine is None
    engine = reading_engine(engine or open_engine())
    try:
        found.items.extend(at_risk_items(engine, plans, runs.calendars, now=now,
                                         business_hours=business_hours,
                                         dataset=dataset or default_dataset()))
    finally:
        if owned:
            engine.close()
    found.versions.update({i.version_id: runs.versions[i.version_id] for i in found.items})
    return found
