"""The records behind a result: the engine's own per-record rule, with each record's identity.

The compliance engine counts `rules.Branch.select()` rows (one per record and version: status,
reason, elapsed). Here the same SELECT gains the record's identity and a few attributes, and is
filtered to one cell (organization, service, channel, dates) and status, so a drill-down lists
exactly the records a share was computed from — judged by the same expression, never by a
second implementation of the units.

The reads here take plain plans (evaluation.VersionPlan) and calendars;
compliance.selectors.records builds them from the database for one stored result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyarrow as pa
from sqlglot import exp

from outsidein import workdays
from outsidein.compliance.engine.evaluation import VersionPlan, scope_table, table_span
from outsidein.compliance.engine.periods import Period, day_from_number, day_number
from outsidein.compliance.engine.rules import (
    EXCLUDED,
    MET,
    MISSED,
    PENDING,
    STATUS_NAMES,
    UNIT_TYPES,
    UNRECORDED,
    Branch,
    RunConstants,
)
from outsidein.compliance.engine.service_codes import counted_service_sql
from outsidein.warehouse.calendar_tables import ClockTable, clock_table
from outsidein.warehouse.schema import event_column, record_schema

# Filters a person picks -> the statuses they cover. Records whose measure is missing count as
# excluded "(not recorded)" in results (evaluation.NOT_RECORDED), so they are listed there too.
STATUS_FILTERS: dict[str, tuple[int, ...]] = {
    "met": (MET,), "missed": (MISSED,), "excluded": (EXCLUDED, UNRECORDED), "pending": (PENDING,),
}
# Columns a record row carries besides the rule's own output.
IDENTITY = ("source", "record_id", "queue", "tier", "fee_paid", "guarantee_eligible")
RECORD_COLUMNS = ("version_id", "org_id", "service", "channel", "day", "status", "reason",
                  "elapsed", *IDENTITY, "started_at", "stopped_at", "due_at")
ANY = object()  # a filter value meaning "do not filter on this"
RECORDS_VIEW, RECORD_CLOCK = "oi_records", "oi_record_clock"


@dataclass(frozen=True)
class CellFilter:
    """Which records to read: one cell's keys, statuses and guarantee eligibility."""

    first_day: dt.date
    last_day: dt.date
    org_id: int | None = None
    service: object = ANY  # a code, None (records without a known service) or ANY
    # With service None: the codes the inventory knows for the organization; records with any
    # other code (or none) are counted as "no service" (service_codes), so they belong there.
    known_services: tuple[str, ...] = ()
    channel: object = ANY  # a channel, "" or ANY
    statuses: tuple[int, ...] = ()
    guarantee_eligible: bool | None = None
    open_only: bool = False  # the clock's stop event is missing

    def conditions(self) -> list[exp.Expression]:
        m = "m"
        found: list[exp.Expression] = [exp.Between(
            this=exp.column("day", m), low=exp.Literal.number(day_number(self.first_day)),
            high=exp.Literal.number(day_number(self.last_day)))]
        if self.org_id is not None:
            found.append(exp.column("org_id", m).eq(exp.Literal.number(self.org_id)))
        if self.service is None:
            found.append(counted_service_sql(exp.column("service", m), self.known_services)
                         .is_(exp.null()))
        elif self.service is not ANY:
            found.append(exp.column("service", m).eq(exp.Literal.string(str(self.service))))
        if self.channel is not ANY:
            found.append(exp.column("channel", m).eq(exp.Literal.string(str(self.channel or ""))))
        if self.statuses:
            found.append(exp.column("status", m).isin(
                *[exp.Literal.number(s) for s in self.statuses]))
        if self.guarantee_eligible is not None:
            flag = exp.column("guarantee_eligible", m)
            found.append(flag if self.guarantee_eligible else exp.not_(exp.Coalesce(
                this=flag, expressions=[exp.false()])))
        if self.open_only:
            found.append(exp.column("stopped_at", m).is_(exp.null()))
        return found


def record_select(branch: Branch) -> exp.Select:
    """The branch's per-record SELECT with the record's identity, start, stop and due time."""
    rule, r = branch.rule, branch.records
    extra = [exp.column(c, r).as_(c) for c in IDENTITY]
    extra.append(branch.start_ts.copy().as_("started_at"))
    stop = (exp.column(event_column(rule.clock_stop), r) if rule.clock_stop
            else exp.cast(exp.null(), "TIMESTAMP"))
    extra.append(stop.as_("stopped_at"))
    extra.append(exp.column(event_column("due"), r).as_("due_at"))
    return branch.select(extra)


_INNER = "oi_cell_records_inner"  # stands for the per-record SELECT in outer queries


@dataclass
class RecordReader:
    """Registers the records, clock and scope of one version on an engine, then reads cells.

    Several readers on one engine may share the records view and one clock table (`clock`,
    covering their dates and as-of instants) by passing `register_records=False` after the first.
    """

    engine: object
    plan: VersionPlan
    calendars: Sequence[workdays.Calendar]
    dataset: Path | str | None
    as_of: dt.datetime
    first_day: dt.date
    last_day: dt.date
    clock: ClockTable | None = None
    register_records: bool = True
    scope_table: str = "oi_record_scope"
    sql: list[str] = field(default_factory=list)

    def __post_init__(self):
        period = Period("", "span", self.first_day, self.last_day)
        span = table_span([self.plan], self.as_of, period)
        self._empty = span is None
        if self._empty:
            return
        clock = self.clock
        if clock is None:
            clock = clock_table(self.calendars, *span,
                                business_hours=self.plan.rule.unit == "business_hours")
            self.engine.register_arrow(RECORD_CLOCK, clock.table)
        seconds = int(self.as_of.timestamp())
        points = [clock.clocks[clock.index_of[i]].point(seconds)
                  for i in range(len(self.calendars))]
        run = RunConstants(as_of_us=seconds * 1_000_000, bucket_seconds=clock.bucket_seconds,
                           day_range=(day_number(self.first_day), day_number(self.last_day)),
                           records=RECORDS_VIEW, clock=RECORD_CLOCK)
        if self.register_records:
            self.engine.register_parquet(RECORDS_VIEW, self.dataset, schema=record_schema())
        self.engine.register_arrow(self.scope_table, scope_table([self.plan], clock, points))
        # Rendered once: outer queries are small and built around it as text.
        inner = record_select(Branch(self.plan.rule, self.scope_table, run))
        self._inner_sql = f"({inner.sql(dialect=self.engine.dialect)})"

    def _text(self, query: exp.Select) -> str:
        return query.sql(dialect=self.engine.dialect).replace(_INNER, self._inner_sql, 1)

    def _run(self, query: exp.Select) -> pa.Table:
        sql = self._text(query)
        self.sql.append(sql)
        return self.engine.query(sql)

    def cell_sql(self, cell: CellFilter) -> str | None:
        """The SELECT of the cell's records (None when the reader has no dates to read)."""
        return None if self._empty else self._text(self._where(cell))

    def _where(self, cell: CellFilter) -> exp.Select:
        return (exp.select(exp.Star()).from_(exp.table_(_INNER, alias="m"))
                .where(exp.and_(*cell.conditions())))

    def rows(self, cell: CellFilter, *, limit: int | None = None, offset: int = 0) -> pa.Table:
        """The records of the cell, oldest first (start date, source, record id)."""
        if self._empty:
            return _empty_rows()
        query = self._where(cell).order_by(
            exp.column("day"), exp.column("started_at"), exp.column("source"),
            exp.column("record_id"))
        if limit is not None:
            query = query.limit(limit).offset(offset)
        return self._run(query)

    def batches(self, cell: CellFilter, *, size: int = 10_000) -> Iterator[pa.RecordBatch]:
        """The records of the cell in batches of at most `size` rows, in `rows`' order: streamed
        from the engine when it can (DuckDB), else read a page at a time."""
        if self._empty:
            return
        query = self._where(cell).order_by(
            exp.column("day"), exp.column("started_at"), exp.column("source"),
            exp.column("record_id"))
        stream = getattr(self.engine, "query_batches", None)
        if stream is not None:
            sql = self._text(query)
            self.sql.append(sql)
            yield from stream(sql, size)
            return
        offset = 0
        while True:
            page = self._run(query.limit(size).offset(offset))
            yield from page.to_batches(max_chunksize=size)
            if page.num_rows < size:
                return
            offset += size

    def counts(self, cell: CellFilter) -> dict[int, int]:
        """Records of the cell per status."""
        if self._empty:
            return {}
        query = (exp.select(exp.column("status"), exp.Count(this=exp.Star()).as_("n"))
                 .from_(self._where(cell).subquery("f")).group_by(exp.column("status")))
        table = self._run(query).to_pydict()
        return {int(s): int(n) for s, n in zip(table["status"], table["n"], strict=True)}

    def counts_by_day(self, cell: CellFilter) -> dict[tuple[int, int], int]:
        """Records of the cell per (day number, status)."""
        if self._empty:
            return {}
        query = (exp.select(exp.column("day"), exp.column("status"),
                            exp.Count(this=exp.Star()).as_("n"))
                 .from_(self._where(cell).subquery("f"))
                 .group_by(exp.column("day"), exp.column("status")))
        table = self._run(query).to_pydict()
        return {(int(d), int(s)): int(n)
                for d, s, n in zip(table["day"], table["status"], table["n"], strict=True)}


def _empty_rows() -> pa.Table:
    return pa.table({c: pa.array([], pa.null()) for c in RECORD_COLUMNS})


def status_name(status: int) -> str:
    """met, missed, excluded, pending or unrecorded."""
    return STATUS_NAMES.get(int(status), str(status))


def as_dicts(table: pa.Table) -> list[dict]:
    """Rows as dicts with the start date as a date and the status by name."""
    rows = table.to_pylist()
    for row in rows:
        if row.get("day") is not None:
            row["date"] = day_from_number(row["day"])
        if row.get("status") is not None:
            row["status_name"] = status_name(row["status"])
    return rows


def unit_factor(unit: str) -> int:
    """Base integers per unit (3600 for business hours), 1 for unknown units."""
    unit_type = UNIT_TYPES.get(unit)
    return unit_type.factor if unit_type else 1


def with_status(cell: CellFilter, status: str) -> CellFilter:
    """The cell narrowed to a filter name of STATUS_FILTERS ("" keeps every status)."""
    return replace(cell, statuses=STATUS_FILTERS.get(status, ()))


def counts_by_name(counts: dict[int, int]) -> dict[str, int]:
    """Per-status counts under the filter names, plus "all"."""
    named = {name: sum(counts.get(s, 0) for s in statuses)
             for name, statuses in STATUS_FILTERS.items()}
    named["all"] = sum(counts.values())
    return named


CSV_COLUMNS = ("source", "record_id", "start_date", "status", "exclusion_reason", "elapsed",
               "started_at", "stopped_at", "due_at", "organization_id", "service", "channel",
               "queue", "tier", "fee_paid", "guarantee_eligible")


def csv_text(value) -> str:
    """A value as a CSV cell: blank for none, ISO 8601 for instants and dates, true/false."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_rows(table: pa.Table, factor: int = 1):
    """CSV rows (CSV_COLUMNS) of record rows, elapsed in the standard's unit."""
    text = csv_text

    for batch in table.to_batches(max_chunksize=10_000):
        for row in batch.to_pylist():
            elapsed = row["elapsed"]
            yield [text(v) for v in (
                row["source"], row["record_id"], day_from_number(row["day"]),
                status_name(row["status"]), row["reason"],
                None if elapsed is None else (elapsed if factor == 1 else elapsed / factor),
                row["started_at"], row["stopped_at"], row["due_at"], row["org_id"],
                row["service"], row["channel"], row["queue"], row["tier"], row["fee_paid"],
                row["guarantee_eligible"])]
