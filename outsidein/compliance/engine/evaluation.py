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
from outsidein.analysis.distribution import grouped_order_statistics, quantile_from_order_statistics
from outsidein.analysis.proportions import target_met, wilson_intervals
from outsidein.compliance.engine import queries
from outsidein.compliance.engine.periods import PERIOD_KINDS, Period, day_number, period_bounds
from outsidein.compliance.engine.rules import (
    EXCLUDED,
    MET,
    MISSED,
    PENDING,
    SCOPE_SCHEMA,
    UNIT_TYPES,
    UNRECORDED,
    Branch,
    Rule,
    RunConstants,
    threshold_in_base,
)
from outsidein.compliance.engine.service_codes import counted_services
from outsidein.warehouse.calendar_tables import ClockTable, clock_table
from outsidein.warehouse.schema import record_schema
from outsidein.workdays.instants import local_to_epoch

# status -> column of the per-cell tally (met, missed, pending, set aside)
_SLOT = np.array([3, 0, 1, 2, 3], dtype=np.int64)
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


@dataclass(slots=True)
class Cell:
    """One result: a version, organization unit, service, channel and period.

    Not frozen: a run makes tens of thousands, and a frozen dataclass's constructor costs five
    times as much. Nothing changes a cell once made.
    """

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
    branches, resolutions = [], []
    for index, (rule, members) in enumerate(by_rule.items()):
        name = f"oi_scope_{index}"
        engine.register_arrow(name, scope_table(members, clock, points))
        branches.append(Branch(rule, name, run).select())
        resolutions.append(rule.unit_type.resolution)
    result.timings["prepare"] = time.perf_counter() - tick

    tick = time.perf_counter()
    daily_sql = queries.daily_query(branches, resolutions).sql(dialect=engine.dialect)
    daily = queries.unpack_daily(engine.query(daily_sql))
    result.sql["daily"] = daily_sql
    result.timings["records"] = time.perf_counter() - tick
    result.records = int(pa.compute.sum(daily["n"]).as_py() or 0) if daily.num_rows else 0

    tick = time.perf_counter()
    if known_services is not None:
        daily = _forget_unknown_services(daily, known_services)
    result.cells = cells_from_daily(daily, {p.version_id: p for p in plans}, day_range)
    result.timings["periods"] = time.perf_counter() - tick
    return result


def _forget_unknown_services(daily: pa.Table, known_services) -> pa.Table:
    """The daily histogram with each service code as counted (service_codes: unknown -> null)."""
    if not daily.num_rows:
        return daily
    pairs = daily.select(["org_id", "service"]).group_by(["org_id", "service"]).aggregate([])
    pairs = [(o, s) for o, s in zip(pairs["org_id"].to_pylist(), pairs["service"].to_pylist(),
                                     strict=True) if s is not None]
    known = set(known_services(pairs))
    if all(pair in known for pair in pairs):
        return daily
    service = counted_services(daily["org_id"], daily["service"], known)
    return daily.set_column(daily.schema.get_field_index("service"), "service", service)


def scope_table(plans: Sequence[VersionPlan], clock: ClockTable,
                points: Sequence[tuple[int, int, int]]) -> pa.Table:
    """The scope rows of some plans (rules.SCOPE_SCHEMA): per version and organization, its
    threshold, calendar key, effective instants and the computation instant on its clock."""
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


def cells_from_daily(daily: pa.Table, plans: dict[int, VersionPlan],
                     period_range: tuple[int, int] | None = None) -> list[Cell]:
    """Roll the daily histogram up into every period kind: counts, shares, intervals, quantiles.

    The engines stop at the daily histogram (integers, identical on every engine); this roll-up
    is numpy on its rows, so the cells are identical too. With `period_range` (day numbers),
    only periods lying wholly inside it are kept.
    """
    if not daily.num_rows:
        return []
    base, keys = _base_cells(daily)
    day = daily["day"].to_numpy().astype(np.int64)
    elapsed = daily["elapsed"].fill_null(0).to_numpy().astype(np.int64)
    values = int(elapsed.max()) + 1
    first_day = int(day.min())
    # Sort once by cell, day, elapsed. Every period is a run of days, so every cell of every
    # kind is then a contiguous run of rows, its days each already in elapsed order.
    order = _sort_order(base * (int(day.max()) - first_day + 1) + day - first_day, elapsed, values)
    base, day, elapsed = base[order], day[order], elapsed[order]
    status = daily["status"].to_numpy()[order].astype(np.int64)
    n = daily["n"].to_numpy()[order].astype(np.int64)
    has_elapsed = daily["elapsed"].is_valid().to_numpy(zero_copy_only=False)[order]
    set_aside = np.flatnonzero((status == EXCLUDED) | (status == UNRECORDED))
    reasons = daily["reason"].take(pa.array(order[set_aside])).to_pylist()
    calendar = np.arange(first_day, int(day.max()) + 1)
    cells: list[Cell] = []
    for kind in PERIOD_KINDS:
        start_of, end_of = period_bounds(kind, calendar)  # per date, then looked up per row
        starts, ends = start_of[day - first_day], end_of[day - first_day]
        if period_range is None:
            keep, rows = None, slice(None)
        else:
            keep = (starts >= period_range[0]) & (ends <= period_range[1])
            rows = np.flatnonzero(keep)
            if not len(rows):
                continue
        kept_base, kept_starts = base[rows], starts[rows]
        boundary = np.r_[True, (kept_base[1:] != kept_base[:-1]) | (kept_starts[1:] != kept_starts[:-1])]
        run_start = np.flatnonzero(boundary)
        count = len(run_start)
        kept_cell = np.cumsum(boundary) - 1
        slot = np.bincount(kept_cell * 4 + _SLOT[status[rows]], weights=n[rows],
                           minlength=count * 4).astype(np.int64).reshape(count, 4)
        tallies = {MET: slot[:, 0], MISSED: slot[:, 1], PENDING: slot[:, 2]}
        measured = has_elapsed[rows]
        cell_m, elapsed_m, n_m = kept_cell[measured], elapsed[rows][measured], n[rows][measured]
        if kind != "day":  # merge the days' sorted runs: a stable sort exploits them
            merge = np.argsort(cell_m * values + elapsed_m, kind="stable")
            cell_m, elapsed_m, n_m = cell_m[merge], elapsed_m[merge], n_m[merge]
        stats = _order_statistics(cell_m, elapsed_m, n_m, count)
        cell = np.full(len(day), -1, dtype=np.int64)
        cell[rows] = kept_cell
        first_row = np.arange(len(day))[rows][run_start]  # a row of each cell
        excluded: dict[int, dict[str, int]] = defaultdict(dict)
        for row, reason in zip(set_aside, reasons, strict=True):
            if keep is None or keep[row]:
                label = reason if status[row] == EXCLUDED else NOT_RECORDED
                tally = excluded[int(cell[row])]
                tally[label] = tally.get(label, 0) + int(n[row])
        meeting, missed = tallies[MET], tallies[MISSED]
        total = meeting + missed
        low, high = wilson_intervals(meeting, total)
        start_dates, end_dates = _dates(starts[first_row]), _dates(ends[first_row])
        cell_base = base[first_row]
        units = [UNIT_TYPES[plans[keys[b][0]].rule.unit] for b in cell_base.tolist()]
        factors = np.array([u.factor / u.resolution for u in units], dtype=float)
        medians, p90s = _in_unit(stats["median"], factors), _in_unit(stats["p90"], factors)
        # Python values once per column: indexing numpy arrays element by element is slow.
        columns = zip(cell_base.tolist(), total.tolist(), meeting.tolist(),
                      tallies[PENDING].tolist(), low.tolist(), high.tolist(), start_dates,
                      end_dates, medians, p90s, strict=True)
        for j, (b, t, met, pending, ci_low, ci_high, start, end, median, p90) in enumerate(columns):
            version_id, org_id, service, channel = keys[b]
            plan = plans[version_id]
            share = met / t if t else None
            cells.append(Cell(
                version_id=version_id, org_id=org_id, service=service, channel=channel,
                period_kind=kind, period_start=start, period_end=end, total=t, meeting=met,
                pending=pending,
                excluded=dict(sorted(excluded[j].items())) if j in excluded else {},
                share=share, ci_low=ci_low if t else None, ci_high=ci_high if t else None,
                target=plan.target, target_met=target_met(share, plan.target),
                median_elapsed=median, p90_elapsed=p90,
                elapsed_unit=plan.rule.unit if plan.rule.unit != "none" else ""))
    cells.sort(key=lambda c: (c.version_id, c.org_id, c.service or "", c.channel,
                              PERIOD_KINDS.index(c.period_kind), c.period_start))
    return cells


def _base_cells(daily: pa.Table) -> tuple[np.ndarray, list[tuple]]:
    """Each row's (version, organization, service, channel) as a dense id, and the ids' keys."""
    codes, uniques = [], []
    for name in ("version_id", "org_id", "service", "channel"):
        encoded = pc.dictionary_encode(daily[name]).combine_chunks()
        codes.append(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64) + 1)
        uniques.append([None, *encoded.dictionary.to_pylist()])
    combined = codes[0]
    for code, values in zip(codes[1:], uniques[1:], strict=True):
        combined = combined * len(values) + code
    ids, inverse = np.unique(combined, return_inverse=True)
    keys = []
    for value in ids.tolist():
        parts = []
        for values in reversed(uniques):
            value, index = divmod(value, len(values))
            parts.append(values[index])
        keys.append(tuple(reversed(parts)))
    return inverse.astype(np.int64), keys


def _sort_order(key: np.ndarray, elapsed: np.ndarray, values: int) -> np.ndarray:
    """Row order by key, then elapsed: one integer sort when the pair fits in 63 bits."""
    if (int(key.max()) + 2) * values < 2**62:
        return np.argsort((key + 1) * values + elapsed)
    return np.lexsort((elapsed, key))


def _order_statistics(cell_of: np.ndarray, elapsed: np.ndarray, n: np.ndarray,
                      count: int) -> dict[str, np.ndarray]:
    """Per cell, each quantile of elapsed (NaN without values); rows sorted by cell and value."""
    found = {}
    for q in queries.QUANTILES:
        measured, lo, hi = grouped_order_statistics(cell_of, elapsed, n, count, q)
        found[q.name] = quantile_from_order_statistics(lo, hi, measured, q)
    return found


def _dates(numbers: np.ndarray) -> list[dt.date]:
    return np.asarray(numbers, dtype="datetime64[D]").tolist()


def _in_unit(values: np.ndarray, factors: np.ndarray) -> list[float | None]:
    return [None if v != v else v for v in (values / factors).tolist()]  # NaN: no values
