"""Open items at risk: records whose clock started and has not stopped, overdue or due soon.

The engine's own rule (`records.RecordReader`) says which open records are missed already and
which are pending; a pending record is at risk when its deadline, asked of the unit registry
(`rules.UnitType.deadline`), falls within a window of business hours on its calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from outsidein import workdays
from outsidein.compliance.engine.evaluation import VersionPlan
from outsidein.compliance.engine.records import RECORD_CLOCK, RECORDS_VIEW, CellFilter, RecordReader
from outsidein.compliance.engine.rules import MISSED, PENDING, UNIT_TYPES, ClockUnit, Rule
from outsidein.warehouse.calendar_tables import clock_table
from outsidein.warehouse.schema import record_schema

AT_RISK_LOOKBACK_DAYS = 366  # open items started earlier than this are not looked for


@dataclass(frozen=True)
class OpenItem:
    """A record whose clock has started and not stopped: overdue, or at risk of breaching."""

    version_id: int
    org_id: int
    service: str | None
    channel: str
    source: str
    record_id: str
    started_at: dt.datetime
    deadline: dt.datetime | None
    overdue: bool


def deadline_for(rule: Rule, threshold, calendar: workdays.Calendar, started_at: dt.datetime,
                 due_at: dt.datetime | None = None) -> dt.datetime | None:
    """When an open record breaches, by the record's calendar (pauses not taken off).

    The at-risk list itself is decided by the engine's rule; this is the date people read. The
    unit registry knows each unit's deadline (`UnitType.deadline`).
    """
    if rule.against_due and due_at is not None:
        return due_at
    if threshold is None or started_at is None:
        return None
    unit_type = UNIT_TYPES.get(rule.unit)
    return unit_type.deadline(calendar, started_at, float(threshold)) if unit_type else None


def window_end(calendar: workdays.Calendar, now: dt.datetime, business_hours: int) -> dt.datetime:
    """The instant `business_hours` of opening time after now, on the calendar.

    When it falls at a closing time, the closed hours up to the next opening belong to the
    window (no business time passes then), so a deadline at today's close, or at midnight after
    it, is within a window that ends at the close.
    """
    end = workdays.add_business_seconds(calendar, now, business_hours * 3600)
    if not workdays.is_open(calendar, end):
        end = workdays.next_open_instant(calendar, end) - dt.timedelta(seconds=1)
    return end


def _open_cell(now: dt.datetime) -> CellFilter:
    today = now.astimezone(dt.UTC).date()
    return CellFilter(first_day=today - dt.timedelta(days=AT_RISK_LOOKBACK_DAYS), last_day=today,
                      statuses=(PENDING, MISSED), open_only=True)


def _classify(rows: list[dict], plans: dict[int, VersionPlan],
              calendars: Sequence[workdays.Calendar], *, now: dt.datetime,
              business_hours: int) -> list[OpenItem]:
    """Overdue (missed, open) rows, and pending rows whose deadline falls in the window."""
    ends: dict[int, dt.datetime] = {}
    positions = {(p.version_id, org_id): pos for p in plans.values()
                 for _code, org_id, pos in p.organizations}
    items: list[OpenItem] = []
    for row in rows:
        plan = plans[row["version_id"]]
        pos = positions[(plan.version_id, row["org_id"])]
        calendar = calendars[pos]
        deadline = deadline_for(plan.rule, plan.threshold, calendar, row["started_at"],
                                row["due_at"])
        overdue = row["status"] == MISSED
        if not overdue:
            if pos not in ends:
                ends[pos] = window_end(calendar, now, business_hours)
            if deadline is None or deadline > ends[pos]:
                continue
        items.append(OpenItem(
            version_id=plan.version_id, org_id=row["org_id"], service=row["service"],
            channel=row["channel"], source=row["source"], record_id=row["record_id"],
            started_at=row["started_at"], deadline=deadline, overdue=overdue))
    return sorted(items, key=lambda i: (not i.overdue, i.deadline or i.started_at))


def open_items(engine, plan: VersionPlan, calendars: Sequence[workdays.Calendar], *,
               now: dt.datetime, business_hours: int, dataset: Path | str | None = None
               ) -> list[OpenItem]:
    """Open records of a plan that are overdue now or will breach within the business hours.

    The engine's own rule says which open records are missed already (overdue) and which are
    pending; a pending record is at risk when its deadline on its organization's calendar
    (`deadline_for`) falls within the window (`window_end`).
    """
    if not isinstance(plan.rule.unit_type, ClockUnit):
        return []
    cell = _open_cell(now)
    reader = RecordReader(engine, plan, calendars, dataset, now, cell.first_day, cell.last_day)
    return _classify(reader.rows(cell).to_pylist(), {plan.version_id: plan}, calendars,
                     now=now, business_hours=business_hours)


def at_risk_items(engine, plans: Sequence[VersionPlan], calendars: Sequence[workdays.Calendar],
                  *, now: dt.datetime, business_hours: int, dataset: Path | str) -> list[OpenItem]:
    """Overdue and at-risk open items of many plans, most urgent first.

    One query per plan over the dataset, run as one UNION on the engine with one clock table
    covering the lookback; plans whose unit is not a clock are skipped.
    """
    plans = [p for p in plans if isinstance(p.rule.unit_type, ClockUnit)]
    if not plans:
        return []
    cell = _open_cell(now)
    clock = clock_table(calendars, cell.first_day - dt.timedelta(days=1),
                        cell.last_day + dt.timedelta(days=1),
                        business_hours=any(p.rule.unit == "business_hours" for p in plans))
    engine.register_parquet(RECORDS_VIEW, dataset, schema=record_schema())
    engine.register_arrow(RECORD_CLOCK, clock.table)
    # One query for every version: each reads its own scope table.
    parts = [RecordReader(engine, plan, calendars, None, now, cell.first_day, cell.last_day,
                          clock=clock, register_records=False,
                          scope_table=f"oi_record_scope_{i}").cell_sql(cell)
             for i, plan in enumerate(plans)]
    # Every part is rendered by SQLGlot from expressions (literals quoted there).
    sql = " UNION ALL ".join(f"SELECT * FROM ({part}) AS p{i}"  # noqa: S608
                             for i, part in enumerate(parts) if part)
    rows = engine.query(sql).to_pylist() if sql else []
    return _classify(rows, {p.version_id: p for p in plans}, calendars, now=now,
                     business_hours=business_hours)
