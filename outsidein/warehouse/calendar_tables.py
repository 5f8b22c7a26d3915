"""The clock table: business calendars as integer-keyed rows an engine joins instead of converting
time zones row by row.

UTC time is cut into buckets of B seconds, B chosen so that every local midnight (and, for
business hours, every opening and closing) of every calendar falls on a bucket boundary. Then
every instant of a bucket has the same local date, and a bucket is wholly open or wholly closed,
so one equi-join on `key = calendar_key + epoch_seconds DIV B` gives an instant's local date,
business-day ordinal and open seconds:

    open seconds before t = open_before + is_open * (t MOD B)

Ordinals and open seconds count from the table's first date, so only differences mean anything
(`workdays.business_time_between(...).days == ordinal(stop) - ordinal(start)`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from outsidein import workdays
from outsidein.workdays.instants import from_epoch, local_to_epoch

# A clock-table key is calendar index << CALENDAR_SHIFT | bucket number.
CALENDAR_SHIFT = 40
_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class CalendarClock:
    """One calendar's days and open intervals over the table's dates, as epoch-second arrays."""

    calendar: workdays.Calendar
    midnights: np.ndarray  # local midnights, one more than days (the end of the last day)
    days: np.ndarray  # day numbers (days since 1970-01-01)
    ordinals: np.ndarray  # business days strictly before each date, from the first date
    opens: np.ndarray  # open intervals: start, end, open seconds before (from the first date)
    closes: np.ndarray
    before: np.ndarray
    digest: str

    def point(self, seconds: int) -> tuple[int, int, int]:
        """(day number, business-day ordinal, open seconds before) of an instant in epoch seconds."""
        i = int(np.searchsorted(self.midnights, seconds, side="right")) - 1
        if i < 0 or i >= len(self.days):
            raise ValueError(f"{from_epoch(seconds, self.calendar.zone)} is outside the clock table")
        return int(self.days[i]), int(self.ordinals[i]), int(_open_before(self, np.array([seconds]))[0])


@dataclass(frozen=True)
class ClockTable:
    """The registered table (key, day, ordinal, open_before, is_open) and how to key into it."""

    table: pa.Table
    bucket_seconds: int
    first: dt.date
    last: dt.date
    clocks: tuple[CalendarClock, ...]  # by calendar index
    index_of: tuple[int, ...]  # input calendar position -> calendar index (equal calendars share)

    def calendar_key(self, position: int) -> int:
        """The key offset of the calendar given at `position`."""
        return self.index_of[position] << CALENDAR_SHIFT


def calendar_clock(cal: workdays.Calendar, first: dt.date, last: dt.date, *,
                   business_hours: bool) -> CalendarClock:
    """The calendar's local days and open intervals over [first, last], in epoch seconds."""
    columns = workdays.calendar_table_columns(cal, first, last)
    dates = columns["date"]
    zone = cal.zone
    midnights = np.array([local_to_epoch(d, 0, zone) for d in dates]
                         + [local_to_epoch(last + dt.timedelta(days=1), 0, zone)], dtype=np.int64)
    days = np.array([(d - _EPOCH).days for d in dates], dtype=np.int64)
    ordinals = np.array(columns["business_day_ordinal"], dtype=np.int64)
    if business_hours:
        intervals = workdays.open_interval_table_columns(cal, first, last)
        opens = np.array([int(t.timestamp()) for t in intervals["start"]], dtype=np.int64)
        closes = np.array([int(t.timestamp()) for t in intervals["end"]], dtype=np.int64)
        before = np.array(intervals["open_seconds_before"], dtype=np.int64)
    else:
        opens = closes = before = np.zeros(0, dtype=np.int64)
    digest = hashlib.sha256()
    for array in (midnights, days, ordinals, opens, closes, before):
        digest.update(array.tobytes())
        digest.update(b"|")
    return CalendarClock(cal, midnights, days, ordinals, opens, closes, before, digest.hexdigest())


def bucket_seconds_for(clocks: Sequence[CalendarClock]) -> int:
    """The largest bucket size on which every midnight, opening and closing falls."""
    step = 0
    for clock in clocks:
        for array in (clock.midnights, clock.opens, clock.closes):
            if len(array):
                step = math.gcd(step, *(int(x) for x in np.unique(array % 3600)))
    return math.gcd(step, 3600) if step else 3600


def clock_table(calendars: Sequence[workdays.Calendar], first: dt.date, last: dt.date, *,
                business_hours: bool = False) -> ClockTable:
    """The clock table of the calendars over the local dates [first, last]."""
    clocks: list[CalendarClock] = []
    index_of: list[int] = []
    by_digest: dict[str, int] = {}
    for cal in calendars:
        clock = calendar_clock(cal, first, last, business_hours=business_hours)
        if clock.digest not in by_digest:
            by_digest[clock.digest] = len(clocks)
            clocks.append(clock)
        index_of.append(by_digest[clock.digest])
    bucket = bucket_seconds_for(clocks)
    parts = []
    for index, clock in enumerate(clocks):
        starts = np.arange(clock.midnights[0], clock.midnights[-1], bucket, dtype=np.int64)
        day_at = np.searchsorted(clock.midnights, starts, side="right") - 1
        if business_hours:
            before = _open_before(clock, starts)
            is_open = _is_open(clock, starts)
        else:
            before = np.zeros(len(starts), dtype=np.int64)
            is_open = np.zeros(len(starts), dtype=np.int8)
        parts.append(pa.table({
            "key": pa.array((np.int64(index) << CALENDAR_SHIFT) + starts // bucket, pa.int64()),
            "day": pa.array(clock.days[day_at], pa.int32()),
            "ordinal": pa.array(clock.ordinals[day_at], pa.int32()),
            "open_before": pa.array(before, pa.int64()),
            "is_open": pa.array(is_open, pa.int8()),
        }))
    table = pa.concat_tables(parts) if parts else pa.table(
        {"key": pa.array([], pa.int64()), "day": pa.array([], pa.int32()),
         "ordinal": pa.array([], pa.int32()), "open_before": pa.array([], pa.int64()),
         "is_open": pa.array([], pa.int8())})
    return ClockTable(table, bucket, first, last, tuple(clocks), tuple(index_of))


def _open_before(clock: CalendarClock, seconds: np.ndarray) -> np.ndarray:
    if not len(clock.opens):
        return np.zeros(len(seconds), dtype=np.int64)
    j = np.searchsorted(clock.opens, seconds, side="right") - 1
    jj = np.maximum(j, 0)
    inside = np.clip(seconds - clock.opens[jj], 0, clock.closes[jj] - clock.opens[jj])
    return np.where(j >= 0, clock.before[jj] + inside, 0)


def _is_open(clock: CalendarClock, seconds: np.ndarray) -> np.ndarray:
    if not len(clock.opens):
        return np.zeros(len(seconds), dtype=np.int8)
    j = np.searchsorted(clock.opens, seconds, side="right") - 1
    jj = np.maximum(j, 0)
    return ((j >= 0) & (seconds < clock.closes[jj])).astype(np.int8)
