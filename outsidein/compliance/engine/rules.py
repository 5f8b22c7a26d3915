"""Rules (pure): what a standard version measures, as one SQLGlot expression for every engine.

A `Rule` holds the shape of a measurement (unit, clock events, pauses, channels, measured column,
due-time semantics); versions with the same shape share one branch of the query, and their own
numbers (threshold, effective dates, calendar, organizations) come from a small scope table.
Each branch yields one row per record and version in scope:

    version_id, org_id, service, channel, day, status, reason, elapsed

where `day` is the local date of the start event (days since 1970-01-01), `status` one of
EXCLUDED, MET, MISSED, PENDING, UNRECORDED, and `elapsed` the measure in the unit's base
integer (seconds, open seconds, days, rings, times) for records whose clock stopped.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

import pyarrow as pa
from sqlglot import exp

from outsidein import workdays
from outsidein.warehouse.schema import ATTRIBUTES, EVENTS, event_column

EXCLUDED, MET, MISSED, PENDING, UNRECORDED = 0, 1, 2, 3, 4
STATUS_NAMES = {EXCLUDED: "excluded", MET: "met", MISSED: "missed", PENDING: "pending",
                UNRECORDED: "unrecorded"}

# The channel a standard names -> the channels of the records it measures. A mail standard is
# the Directive's "mail, fax and e-mail"; a blank channel measures every channel.
CHANNEL_COVERAGE: dict[str, tuple[str, ...]] = {"mail": ("mail", "fax", "email")}

# The event that dates a record when a standard has no clock (yes/no and count standards).
ANCHOR_EVENTS: dict[str, str] = {
    "telephone": "call_started", "mail": "received", "fax": "received", "email": "received",
    "in_person": "arrived", "online": "submitted", "kiosk": "submitted", "other": "submitted",
    "feedback": "received",
}

# Clock stops after which a source's own `wait_seconds` stands in for a missing stop event.
WAIT_STOPS = ("", "answered", "served")

SCOPE_SCHEMA = pa.schema([
    ("version_id", pa.int64()), ("org_code", pa.string()), ("org_id", pa.int64()),
    ("service_code", pa.string()), ("cal_key", pa.int64()), ("eff_from_us", pa.int64()),
    ("eff_until_us", pa.int64()), ("threshold", pa.int64()), ("asof_day", pa.int32()),
    ("asof_ordinal", pa.int32()), ("asof_open", pa.int64()),
])

OUTPUT_COLUMNS = ("version_id", "org_id", "service", "channel", "day", "status", "reason", "elapsed")


@dataclass(frozen=True)
class Rule:
    """The shape of a measurement; versions with equal rules share one query branch."""

    unit: str
    clock_start: str = ""
    clock_stop: str = ""
    pauses: tuple[tuple[str, str], ...] = ()
    channels: tuple[str, ...] = ()  # channels of the records measured; () = every channel
    measure: str = ""  # the column a count or yes/no standard reads
    against_due: bool = False  # judge by the record's own due time when it has one
    by_service: bool = False  # the standard belongs to one service (matched by code)

    @property
    def unit_type(self) -> UnitType:
        return UNIT_TYPES[self.unit]

    @property
    def start_events(self) -> tuple[str, ...]:
        """The event (or, without a clock, the channels' first events) that dates a record."""
        if self.clock_start:
            return (self.clock_start,)
        channels = self.channels or tuple(ANCHOR_EVENTS)
        return tuple(dict.fromkeys(ANCHOR_EVENTS[c] for c in channels if c in ANCHOR_EVENTS))

    def problems(self) -> list[str]:
        """Why this rule cannot be measured from interaction records (empty: it can)."""
        if self.unit not in UNIT_TYPES:
            return [f"unknown unit {self.unit!r}"]
        found = []
        events = [self.clock_start, self.clock_stop, *(e for pair in self.pauses for e in pair)]
        found += [f"unknown clock event {e!r}" for e in events if e and e not in EVENTS]
        found += [f"unknown channel {c!r}" for c in self.channels if c not in ANCHOR_EVENTS]
        if not self.start_events:
            found.append("no event dates the records")
        return found + self.unit_type.problems(self)


def threshold_in_base(unit: str, threshold: Decimal | None) -> int | None:
    """The threshold in the unit's base integer: elapsed <= t exactly when elapsed <= floor(t)."""
    if threshold is None:
        return None
    return math.floor(Decimal(threshold) * UNIT_TYPES[unit].factor)


# ---------------------------------------------------------------------------------------------
# Unit types: the registry. Each entry's docstring is its one-line documentation.

class UnitType:
    """A unit of measure: how a record's elapsed value and status are computed."""

    name: ClassVar[str]
    label: ClassVar[str]
    factor: ClassVar[int] = 1  # base integers per unit (60 seconds a minute)
    # Base integers per step of the elapsed-time distribution (medians, 90th percentiles):
    # whole minutes for minutes and business hours, the base integer otherwise. Meeting the
    # threshold is always judged on the base integer itself.
    resolution: ClassVar[int] = 1

    def problems(self, rule: Rule) -> list[str]:
        return []

    def measure(self, branch: Branch) -> tuple[exp.Expression, exp.Expression]:
        """(status, elapsed) expressions for one record in the branch."""
        raise NotImplementedError

    def deadline(self, calendar: workdays.Calendar, started_at: dt.datetime,
                 threshold: float) -> dt.datetime | None:
        """The last instant a record started then meets a threshold of `threshold` units, on
        the calendar, pauses not taken off (None: the unit has no deadline, e.g. rings)."""
        return None


UNIT_TYPES: dict[str, UnitType] = {}


def register(cls: type[UnitType]) -> type[UnitType]:
    """Add a unit type to the registry under its name."""
    UNIT_TYPES[cls.name] = cls()
    return cls


class ClockUnit(UnitType):
    """A time unit: elapsed = position(stop) - position(start), less paused time."""

    def problems(self, rule: Rule) -> list[str]:
        if not rule.clock_start or not rule.clock_stop:
            return ["a time standard names the events that start and stop its clock"]
        if any(len(p) != 2 or not all(p) for p in rule.pauses):
            return ["pauses come in pairs: the event that pauses the clock and the one that resumes it"]
        return []

    def position(self, branch: Branch, event: str) -> exp.Expression:
        """The event's position on this unit's scale."""
        raise NotImplementedError

    def position_as_of(self, branch: Branch) -> exp.Expression:
        """The computation instant's position on this unit's scale."""
        raise NotImplementedError

    def wait_fallback(self, rule: Rule) -> bool:
        return False

    def measure(self, branch: Branch) -> tuple[exp.Expression, exp.Expression]:
        rule, r = branch.rule, branch.records
        start, stop = rule.clock_start, rule.clock_stop
        stop_us = branch.micros(stop)
        stopped = exp.and_(exp.column(event_column(stop), r).is_(exp.null()).not_(),
                           stop_us <= branch.as_of_us)
        elapsed = _minus(self.position(branch, stop), self.position(branch, start),
                         self._paused(branch, stop))
        if self.wait_fallback(rule):
            wait = exp.column("wait_seconds", r)
            elapsed = exp.Case().when(stopped, elapsed).else_(wait)
            stopped = exp.or_(stopped, wait.is_(exp.null()).not_())
        # Each of these is read several times below: computed once per record.
        stopped = branch.derive("stopped", stopped)
        elapsed = branch.derive("elapsed", elapsed)
        open_elapsed = branch.derive("open_elapsed", _minus(
            self.position_as_of(branch), self.position(branch, start), self._paused(branch, None)))
        threshold = exp.column("threshold", "s")
        judged = (exp.Case()
                  .when(exp.or_(elapsed.is_(exp.null()), elapsed < 0, threshold.is_(exp.null())),
                        _int(UNRECORDED))
                  .when(elapsed <= threshold, _int(MET))
                  .else_(_int(MISSED)))
        status = exp.Case().when(branch.excluded, _int(EXCLUDED))
        if rule.against_due:
            due = exp.column(event_column("due"), r)
            has_due = due.is_(exp.null()).not_()
            stop_present = exp.column(event_column(stop), r).is_(exp.null()).not_()
            status = status.when(exp.and_(stopped, has_due, stop_present),
                                 exp.Case().when(stop_us <= branch.micros("due"), _int(MET))
                                 .else_(_int(MISSED)))
            status = status.when(stopped, judged)
            status = status.when(has_due, exp.Case().when(branch.as_of_us > branch.micros("due"),
                                                          _int(MISSED)).else_(_int(PENDING)))
        else:
            status = status.when(stopped, judged)
        status = (status.when(threshold.is_(exp.null()), _int(UNRECORDED))
                  .when(open_elapsed > threshold, _int(MISSED))
                  .else_(_int(PENDING)))
        shown = exp.Case().when(exp.and_(stopped, exp.not_(branch.excluded), elapsed >= 0),
                                elapsed)
        return status, shown

    def _paused(self, branch: Branch, end: str | None) -> exp.Expression | None:
        """Paused time before the end event (or before the computation instant when None)."""
        r = branch.records
        terms = []
        end_pos = self.position_as_of(branch) if end is None else self.position(branch, end)
        end_us = branch.as_of_us if end is None else branch.micros(end)
        for pause, resume in branch.rule.pauses:
            paused, resumed = exp.column(event_column(pause), r), exp.column(event_column(resume), r)
            terms.append(
                exp.Case()
                .when(exp.or_(paused.is_(exp.null()), branch.micros(pause) > end_us), _int(0))
                .when(exp.and_(resumed.is_(exp.null()).not_(), branch.micros(resume) <= end_us),
                      _minus(self.position(branch, resume), self.position(branch, pause)))
                .else_(_minus(end_pos, self.position(branch, pause))))
        if not terms:
            return None
        total = terms[0]
        for term in terms[1:]:
            total = exp.Add(this=total, expression=term)
        return exp.paren(total)


class ValueUnit(UnitType):
    """A value read from one column of the record, at most the threshold to meet."""

    def column(self, rule: Rule) -> str:
        return rule.measure

    def problems(self, rule: Rule) -> list[str]:
        column = self.column(rule)
        if not column:
            return [f"a {self.name} standard names the column it reads"]
        if column not in ATTRIBUTES:
            return [f"unknown column {column!r}"]
        if not pa.types.is_integer(ATTRIBUTES[column][0]):
            return [f"column {column!r} does not hold a number"]
        return []

    def measure(self, branch: Branch) -> tuple[exp.Expression, exp.Expression]:
        value = exp.column(self.column(branch.rule), branch.records)
        threshold = exp.column("threshold", "s")
        status = (exp.Case().when(branch.excluded, _int(EXCLUDED))
                  .when(exp.or_(value.is_(exp.null()), threshold.is_(exp.null())), _int(UNRECORDED))
                  .when(value <= threshold, _int(MET))
                  .else_(_int(MISSED)))
        shown = exp.Case().when(exp.and_(exp.not_(branch.excluded), value.is_(exp.null()).not_()),
                                value)
        return status, shown


@register
class Rings(ValueUnit):
    """Rings before a person answered (the `rings` column); meets at or below the threshold."""

    name, label = "rings", "rings"

    def column(self, rule: Rule) -> str:
        return rule.measure or "rings"


@register
class Count(ValueUnit):
    """A count in a named column (e.g. `redirects`); meets at or below the threshold."""

    name, label = "count", "times"


@register
class YesNo(ValueUnit):
    """A yes/no column (e.g. `person_offered`); meets when true, no threshold."""

    name, label = "none", ""

    def problems(self, rule: Rule) -> list[str]:
        column = rule.measure
        if not column:
            return ["a yes/no standard names the column it reads"]
        if column not in ATTRIBUTES or not pa.types.is_boolean(ATTRIBUTES[column][0]):
            return [f"column {column!r} does not hold yes/no"]
        return []

    def measure(self, branch: Branch) -> tuple[exp.Expression, exp.Expression]:
        value = exp.column(branch.rule.measure, branch.records)
        status = (exp.Case().when(branch.excluded, _int(EXCLUDED))
                  .when(value.is_(exp.null()), _int(UNRECORDED))
                  .when(value, _int(MET))
                  .else_(_int(MISSED)))
        return status, exp.cast(exp.null(), "BIGINT")


@register
class Seconds(ClockUnit):
    """Seconds from start to stop (whole seconds; the source's `wait_seconds` when it has no stop)."""

    name, label = "seconds", "seconds"

    def position(self, branch: Branch, event: str) -> exp.Expression:
        return branch.seconds(event)

    def position_as_of(self, branch: Branch) -> exp.Expression:
        return _int(branch.run.as_of_us // 1_000_000)

    def wait_fallback(self, rule: Rule) -> bool:
        return rule.clock_stop in WAIT_STOPS and not rule.pauses

    def deadline(self, calendar: workdays.Calendar, started_at: dt.datetime,
                 threshold: float) -> dt.datetime | None:
        return started_at + dt.timedelta(seconds=int(threshold * self.factor))


@register
class Minutes(Seconds):
    """Minutes from start to stop: judged in whole seconds (threshold × 60), spread in whole minutes."""

    name, label, factor, resolution = "minutes", "minutes", 60, 60


@register
class BusinessHours(ClockUnit):
    """Open hours of the calendar between the instants (open seconds; spread in whole minutes)."""

    name, label, factor, resolution = "business_hours", "business hours", 3600, 60

    def position(self, branch: Branch, event: str) -> exp.Expression:
        c = branch.clock(event)
        return exp.paren(exp.Add(
            this=exp.column("open_before", c),
            expression=exp.Mul(this=exp.column("is_open", c),
                               expression=exp.Mod(this=branch.seconds(event),
                                                  expression=_int(branch.bucket_seconds)))))

    def position_as_of(self, branch: Branch) -> exp.Expression:
        return exp.column("asof_open", "s")

    def deadline(self, calendar: workdays.Calendar, started_at: dt.datetime,
                 threshold: float) -> dt.datetime | None:
        return workdays.add_business_seconds(calendar, started_at, int(threshold * self.factor))


@register
class BusinessDays(ClockUnit):
    """Business days from the start's local date to the stop's (the stop date not counted)."""

    name, label = "business_days", "business days"

    def position(self, branch: Branch, event: str) -> exp.Expression:
        return exp.column("ordinal", branch.clock(event))

    def position_as_of(self, branch: Branch) -> exp.Expression:
        return exp.column("asof_ordinal", "s")

    def deadline(self, calendar: workdays.Calendar, started_at: dt.datetime,
                 threshold: float) -> dt.datetime | None:
        return workdays.add_business_days(calendar, started_at, int(threshold))


@register
class CalendarDays(ClockUnit):
    """Calendar days from the start's local date to the stop's, in the calendar's zone."""

    name, label = "calendar_days", "calendar days"

    def position(self, branch: Branch, event: str) -> exp.Expression:
        return exp.column("day", branch.clock(event))

    def position_as_of(self, branch: Branch) -> exp.Expression:
        return exp.column("asof_day", "s")

    def deadline(self, calendar: workdays.Calendar, started_at: dt.datetime,
                 threshold: float) -> dt.datetime | None:
        # The last second of the local day `threshold` days after the start's.
        local = started_at.astimezone(calendar.zone).date() + dt.timedelta(days=int(threshold) + 1)
        return dt.datetime.combine(local, dt.time(0), tzinfo=calendar.zone) - dt.timedelta(seconds=1)


# ---------------------------------------------------------------------------------------------
# One branch of the query.

@dataclass(frozen=True)
class RunConstants:
    """What every branch of one run shares."""

    as_of_us: int  # the computation instant, microseconds since the epoch
    bucket_seconds: int  # the clock table's bucket
    day_range: tuple[int, int] | None = None  # only start dates in this range (day numbers)
    records: str = "interactions"
    clock: str = "oi_clock"


class Branch:
    """Builds the SELECT of one rule against its scope table."""

    records = "r"

    def __init__(self, rule: Rule, scope_table: str, run: RunConstants):
        self.rule, self.scope_table, self.run = rule, scope_table, run
        self.bucket_seconds = run.bucket_seconds
        self.as_of_us = _int(run.as_of_us)
        # The start event's clock row is c0 (an inner join: it dates the record).
        self._clocks: dict[str, str] = {rule.clock_start: "c0"} if rule.clock_start else {}
        r = self.records
        self.start_ts = _coalesce([exp.column(event_column(e), r) for e in rule.start_events])
        reason = exp.column("exclusion_reason", r)
        self.excluded = exp.paren(exp.Coalesce(this=reason, expressions=[exp.Literal.string("")])
                                  .neq(exp.Literal.string("")))
        self._derived: dict[str, exp.Expression] = {}

    def derive(self, name: str, expression: exp.Expression) -> exp.Column:
        """A value computed once per record in an inner SELECT, for an expression that reads it
        several times (engines do not share work between the arms of a CASE)."""
        self._derived[name] = expression
        return exp.column(f"x_{name}", "d")

    def micros(self, event: str) -> exp.Expression:
        return exp.UnixMicros(this=exp.column(event_column(event), self.records))

    def seconds(self, event: str) -> exp.Expression:
        return exp.IntDiv(this=self.micros(event), expression=_int(1_000_000))

    def clock(self, event: str) -> str:
        """The alias of the clock-table row of the event's instant (joined once per event)."""
        if event not in self._clocks:
            self._clocks[event] = f"c{len(self._clocks) + 1}"
        return self._clocks[event]

    def _clock_key(self, instant: exp.Expression) -> exp.Expression:
        return exp.Add(this=exp.column("cal_key", "s"),
                       expression=exp.IntDiv(this=exp.UnixMicros(this=instant),
                                             expression=_int(self.bucket_seconds * 1_000_000)))

    def select(self, extra: list[exp.Expression] = ()) -> exp.Select:
        """SELECT version_id, org_id, service, channel, day, status, reason, elapsed (and any
        `extra` columns, which may read the records, the scope and the start's clock row) ..."""
        rule, r = self.rule, self.records
        status, elapsed = rule.unit_type.measure(self)
        outputs = [
            exp.column("version_id", "s").as_("version_id"),
            exp.column("org_id", "s").as_("org_id"),
            exp.column("service", r).as_("service"),
            exp.column("channel", r).as_("channel"),
            exp.column("day", "c0").as_("day"),
            exp.cast(status, "INT").as_("status"),
            exp.Case().when(self.excluded, exp.column("exclusion_reason", r)).as_("reason"),
            exp.cast(elapsed, "BIGINT").as_("elapsed"), *extra]
        if not self._derived:
            return self._records_in_scope(outputs)
        # Two levels: the inner SELECT passes on the columns the outputs read (renamed
        # <table>__<column>, as the tables share names) and the derived values; the outer one
        # computes the outputs from them.
        read: dict[tuple[str, str], exp.Column] = {}
        for output in outputs:
            for column in output.find_all(exp.Column):
                if column.table != "d":
                    read.setdefault((column.table, column.name), column)

        def from_inner(node: exp.Expression) -> exp.Expression:
            if isinstance(node, exp.Column) and node.table != "d":
                return exp.column(f"{node.table}__{node.name}", "d")
            return node

        inner = self._records_in_scope(
            [column.copy().as_(f"{table}__{name}") for (table, name), column in read.items()]
            + [value.as_(f"x_{name}") for name, value in self._derived.items()])
        return exp.select(*[o.copy().transform(from_inner) for o in outputs]).from_(
            inner.subquery("d"))

    def _records_in_scope(self, columns: list[exp.Expression]) -> exp.Select:
        """SELECT columns FROM the records joined to their scope rows and clock rows."""
        rule, r, run = self.rule, self.records, self.run
        query = exp.select(*columns).from_(exp.table_(run.records, alias=r))
        on = exp.column("organization", r).eq(exp.column("org_code", "s"))
        if rule.by_service:
            on = exp.and_(on, exp.column("service", r).eq(exp.column("service_code", "s")))
        query = query.join(exp.table_(self.scope_table, alias="s"), on=on, join_type="inner")
        query = query.join(exp.table_(run.clock, alias="c0"),
                           on=exp.column("key", "c0").eq(self._clock_key(self.start_ts)),
                           join_type="inner")
        for event, alias in self._clocks.items():
            if alias == "c0":
                continue
            instant = exp.column(event_column(event), r)
            query = query.join(exp.table_(run.clock, alias=alias),
                               on=exp.column("key", alias).eq(self._clock_key(instant)),
                               join_type="left")
        day = exp.column("day", "c0")
        start_us = exp.UnixMicros(this=self.start_ts)
        # Effective dates as instants (local midnights of the calendar, from the scope table), so
        # the condition binds records to scope rows and never lets an optimizer pair scope rows
        # with clock rows first.
        conditions = [
            self.start_ts.is_(exp.null()).not_(),
            start_us <= self.as_of_us,
            start_us >= exp.column("eff_from_us", "s"),
            start_us.copy() < exp.column("eff_until_us", "s"),
        ]
        if rule.channels:
            conditions.insert(0, exp.column("channel", r).isin(
                *[exp.Literal.string(c) for c in rule.channels]))
        if run.day_range:
            conditions.append(exp.Between(this=day, low=_int(run.day_range[0]),
                                          high=_int(run.day_range[1])))
        return query.where(exp.and_(*conditions))


def _int(value: int) -> exp.Literal:
    return exp.Literal.number(int(value))


def _coalesce(items: list[exp.Expression]) -> exp.Expression:
    if len(items) == 1:
        return items[0]
    return exp.Coalesce(this=items[0], expressions=items[1:])


def _minus(a: exp.Expression, b: exp.Expression, paused: exp.Expression | None = None) -> exp.Expression:
    diff = exp.Sub(this=a, expression=b)
    if paused is not None:
        diff = exp.Sub(this=diff, expression=paused)
    return exp.paren(diff)
