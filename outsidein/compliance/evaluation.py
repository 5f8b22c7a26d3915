"""Evaluation: run the rules of many standard versions over the interaction store on one engine.

No Django here: callers pass plain plans (selectors build them from the ORM) and get plain cells
back (services persist them). The heavy work is one query per run; everything after it reads
tables of a few thousand to a few million rows.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from outsidein import workdays
from outsidein.analysis.distribution import quantile_from_order_statistics
from outsidein.analysis.proportions import target_met, wilson_intervals
from outsidein.compliance import queries
from outsidein.compliance.periods import Period, day_number, period_table
from outsidein.compliance.rules import (
    SCOPE_SCHEMA,
    UNIT_TYPES,
    Branch,
    Rule,
    RunConstants,
    threshold_in_base,
)
from outsidein.interactions.schema import record_schema
from outsidein.warehouse.calendar_tables import ClockTable, clock_table
from outsidein.workdays.instants import local_to_epoch

# Records whose measure is missing are counted under this key of `excluded`.
NOT_RECORDED = "(not recorded)"
NEVER_US = 2**62  # "no end date" as an instant


@dataclass(frozen=True)
class VersionPlan:
    """One standard version to measure, in plain values."""

    version_id: int
    rule: Rule
    threshold: Decimal | None
    target: float | None
    effective_from: dt.date
    effective_to: dt.date | None
    service_code: str = ""  # the standard's service, when it belongs to one
    # (organization code, organization id, position of its calendar in `calendars`)
    organizations: tuple[tuple[str, int, int], ...] = ()


@dataclass(frozen=True)
class Cell:
    """One result: a version, organization unit, service, channel and period."""

    version_id: int
    org_id: int
    service: str | None
    channel: str
    period_kind: str
    period_start: dt.date
    period_end: dt.date
    total: int
    meeting: int
    pending: int
    excluded: dict[str, int]
    share: float | None
    ci_low: float | None
    ci_high: float | None
    target: float | None
    target_met: str
    median_elapsed: float | None
    p90_elapsed: float | None
    elapsed_unit: str


@dataclass
class Evaluation:
    """Cells, the SQL that produced them, and where the time went."""

    cells: list[Cell] = field(default_factory=list)
    sql: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    records: int = 0  # records counted (every status)
    clock: ClockTable | None = None


def table_span(plans: Sequence[VersionPlan], as_of: dt.datetime,
               period: Period | None) -> tuple[dt.date, dt.date] | None:
    """Local dates the clock table must cover: first effective date to the day after as_of."""
    starts = [p.effective_from for p in plans]
    if not starts:
        return None
    first = min(starts)
    if period is not None:
        first = max(first, period.start)
    last = as_of.astimezone(dt.UTC).date() + dt.timedelta(days=1)
    if first > last:
        return None
    return first - dt.timedelta(days=1), last


def evaluate(engine, plans: Sequence[VersionPlan], calendars: Sequence[workdays.Calendar], *,
             dataset: Path, as_of: dt.datetime, period: Period | None = None,
             known_services: Callable[[list[tuple[int, str]]], Iterable[tuple[int, str]]] | None = None,
             ) -> Evaluation:
    """Measure every plan over the dataset as of an instant; cells for every period kind.

    `known_services`, given the (organization id, service code) pairs found in the records,
    returns those the inventory knows; records with any other code count as "no service".
    """
    result = Evaluation()
    span = table_span(plans, as_of, period)
    if span is None:
        return result
    tick = time.perf_counter()
    business_hours = any(p.rule.unit == "business_hours" for p in plans)
    clock = clock_table(calendars, *span, business_hours=business_hours)
    result.clock = clock
    as_of_seconds = int(as_of.timestamp())
    points = [clock.clocks[clock.index_of[i]].point(as_of_seconds) for i in range(len(calendars))]
    day_range = None
    if period is not None:
        day_range = (day_number(period.start), day_number(period.end))
    run = RunConstants(as_of_us=as_of_seconds * 1_000_000, bucket_seconds=clock.bucket_seconds,
                       day_range=day_range)

    by_rule: dict[Rule, list[VersionPlan]] = defaultdict(list)
    for plan in plans:
        by_rule[plan.rule].append(plan)
    engine.register_parquet(run.records, dataset, schema=record_schema())
    engine.register_arrow(run.clock, clock.table)
    branches = []
    for index, (rule, members) in enumerate(by_rule.items()):
        name = f"oi_scope_{index}"
        engine.register_arrow(name, _scope_table(members, clock, points))
        branches.append(Branch(rule, name, run).select())
    engine.register_arrow("oi_periods", period_table(*span))
    result.timings["prepare"] = time.perf_counter() - tick

    tick = time.perf_counter()
    daily_sql = queries.daily_query(branches).sql(dialect=engine.dialect)
    daily = engine.query(daily_sql)
    result.sql["daily"] = daily_sql
    result.timings["records"] = time.perf_counter() - tick
    result.records = int(pa.compute.sum(daily["n"]).as_py() or 0) if daily.num_rows else 0

    tick = time.perf_counter()
    if known_services is not None:
        daily = _forget_unknown_services(daily, known_services)
    engine.register_arrow("oi_days", daily)
    cells_sql = queries.cells_query(period_range=day_range).sql(dialect=engine.dialect)
    exclusions_sql = queries.exclusions_query(period_range=day_range).sql(dialect=engine.dialect)
    cells = engine.query(cells_sql)
    exclusions = engine.query(exclusions_sql)
    result.sql.update(cells=cells_sql, exclusions=exclusions_sql)
    result.timings["periods"] = time.perf_counter() - tick

    tick = time.perf_counter()
    result.cells = assemble_cells(cells, exclusions, {p.version_id: p for p in plans})
    result.timings["assemble"] = time.perf_counter() - tick
    return result


def _forget_unknown_services(daily: pa.Table, known_services) -> pa.Table:
    """The daily histogram with service codes the inventory does not know set to null."""
    if not daily.num_rows:
        return daily
    pairs = daily.select(["org_id", "service"]).group_by(["org_id", "service"]).aggregate([])
    pairs = [(o, s) for o, s in zip(pairs["org_id"].to_pylist(), pairs["service"].to_pylist(),
                                     strict=True) if s is not None]
    known = set(known_services(pairs))
    if all(pair in known for pair in pairs):
        return daily
    marks = pa.table({"org_id": pa.array([o for o, _ in known], pa.int64()),
                      "service": pa.array([s for _, s in known], pa.string()),
                      "known": pa.array([True] * len(known), pa.bool_())})
    joined = daily.join(marks, keys=["org_id", "service"], join_type="left outer")
    service = pc.if_else(pc.is_null(joined["known"]), pa.scalar(None, pa.string()), joined["service"])
    return joined.drop_columns(["known"]).set_column(
        joined.schema.get_field_index("service"), "service", service).select(list(daily.schema.names))


def _scope_table(plans: Sequence[VersionPlan], clock: ClockTable,
                 points: Sequence[tuple[int, int, int]]) -> pa.Table:
    rows: dict[str, list] = {name: [] for name in SCOPE_SCHEMA.names}
    for plan in plans:
        threshold = threshold_in_base(plan.rule.unit, plan.threshold)
        for code, org_id, position in plan.organizations:
            day, ordinal, open_before = points[position]
            rows["version_id"].append(plan.version_id)
            rows["org_code"].append(code)
            rows["org_id"].append(org_id)
            rows["service_code"].append(plan.service_code or None)
            rows["cal_key"].append(clock.calendar_key(position))
            zone = clock.clocks[clock.index_of[position]].calendar.zone
            rows["eff_from_us"].append(local_to_epoch(plan.effective_from, 0, zone) * 1_000_000)
            rows["eff_until_us"].append(
                local_to_epoch(plan.effective_to + dt.timedelta(days=1), 0, zone) * 1_000_000
                if plan.effective_to else NEVER_US)
            rows["threshold"].append(threshold)
            rows["asof_day"].append(day)
            rows["asof_ordinal"].append(ordinal)
            rows["asof_open"].append(open_before)
    return pa.table(rows, schema=SCOPE_SCHEMA)


def assemble_cells(cells: pa.Table, exclusions: pa.Table,
                   plans: dict[int, VersionPlan]) -> list[Cell]:
    """Cells from the per-cell counts and order statistics (the same for every engine)."""
    keys = queries.CELL_KEYS
    excluded: dict[tuple, dict[str, int]] = defaultdict(dict)
    ex = exclusions.to_pydict()
    for i in range(exclusions.num_rows):
        reason = ex["reason"][i] if ex["reason"][i] is not None else NOT_RECORDED
        excluded[tuple(ex[k][i] for k in keys)][reason] = ex["n"][i]
    c = cells.to_pydict()

    def column(name: str) -> np.ndarray:
        return np.array([v or 0 for v in c[name]], dtype=np.int64)

    meeting, missed = column("met"), column("missed")
    total = meeting + missed
    low, high = wilson_intervals(meeting, total)
    measured = column("measured")
    stats = {q.name: quantile_from_order_statistics(column(f"{q.name}_lo"), column(f"{q.name}_hi"),
                                                    measured, q)
             for q in queries.QUANTILES}
    pending = column("pending")
    starts = _dates(c["period_start"])
    ends = _dates(c["period_end"])
    factors = np.array([UNIT_TYPES[plans[v].rule.unit].factor for v in c["version_id"]], dtype=float)
    medians = _in_unit(stats["median"], factors)
    p90s = _in_unit(stats["p90"], factors)
    result = []
    for j in range(cells.num_rows):
        key = tuple(c[k][j] for k in keys)
        version_id, org_id, service, channel, kind = key[:5]
        plan = plans[version_id]
        n = int(total[j])
        share = int(meeting[j]) / n if n > 0 else None
        result.append(Cell(
            version_id=version_id, org_id=org_id, service=service, channel=channel,
            period_kind=kind, period_start=starts[j], period_end=ends[j],
            total=n, meeting=int(meeting[j]), pending=int(pending[j]),
            excluded=dict(sorted(excluded[key].items())) if key in excluded else {},
            share=share,
            ci_low=None if n == 0 else float(low[j]), ci_high=None if n == 0 else float(high[j]),
            target=plan.target, target_met=target_met(share, plan.target),
            median_elapsed=medians[j], p90_elapsed=p90s[j],
            elapsed_unit=plan.rule.unit if plan.rule.unit != "none" else ""))
    result.sort(key=lambda cell: (cell.version_id, cell.org_id, cell.service or "", cell.channel,
                                  cell.period_kind, cell.period_start))
    return result


def _dates(numbers: list[int]) -> list[dt.date]:
    return np.array(numbers, dtype="datetime64[D]").tolist()


def _in_unit(values: np.ndarray, factors: np.ndarray) -> list[float | None]:
    scaled = values / factors
    return [None if np.isnan(v) else v for v in scaled.tolist()]
