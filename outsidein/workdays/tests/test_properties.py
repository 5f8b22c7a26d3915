"""Properties of business-time arithmetic, and numpy.busday_count as a counting oracle."""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from outsidein.workdays import (
    Calendar,
    Closure,
    HolidayPolicy,
    TimeSlot,
    WeeklyHours,
    add_business_days,
    add_business_seconds,
    business_time_between,
    calendar_table,
    holidays_between,
    is_business_day,
    is_open,
    next_open_instant,
    open_interval_table_columns,
    open_intervals,
)

from .support import ALWAYS, GOVERNMENT, OFFICE, PROPERTY, TORONTO, at

DAY = timedelta(days=1)
FIRST, LAST = date(2015, 1, 1), date(2035, 12, 31)

# Tuesday-Saturday, Quebec holidays without substitutes, two closures.
TUE_SAT = Calendar(
    "Tue-Sat counter",
    timezone="America/Montreal",
    hours=(
        WeeklyHours({wd: (TimeSlot(time(10), time(14)), TimeSlot(time(15), time(19))) for wd in range(1, 6)}),
    ),
    holiday_policy=HolidayPolicy(subdivision="QC", observe_substitute_days=False),
    closures=(Closure(date(2019, 4, 16), "Flood"), Closure(date(2024, 4, 8), "Eclipse")),
)
# Hours that change with the season (effective dating) in a Central-time office.
SEASONAL = Calendar.child_of(
    GOVERNMENT,
    "Kenora seasonal",
    timezone="America/Winnipeg",
    hours=(
        WeeklyHours.standard(),
        WeeklyHours.standard(time(7), time(15), effective_from=date(2022, 6, 1)),
        WeeklyHours.standard(time(9), time(18), range(6), effective_from=date(2023, 1, 1)),
    ),
)
CALENDARS = [GOVERNMENT, OFFICE, ALWAYS, TUE_SAT, SEASONAL]
# Single WeeklyHours each, so a numpy weekmask describes them.
MASKED = [GOVERNMENT, OFFICE, ALWAYS, TUE_SAT]

# Interesting moments: DST changes, holiday clusters, the storm, a year end.
ANCHORS = [
    at(2026, 3, 8, 2),
    at(2026, 11, 1, 1, 30),
    at(2017, 7, 1, 12),
    at(2021, 12, 25),
    at(2022, 12, 26),
    at(2024, 1, 16, 12),
    at(2019, 12, 31, 23),
]


def later(instant: datetime, seconds: int) -> datetime:
    """instant + seconds of real time (in its own zone, + would add wall-clock time)."""
    return instant.astimezone(UTC) + timedelta(seconds=seconds)


calendars = st.sampled_from(CALENDARS)
zones = st.sampled_from([TORONTO, UTC, ZoneInfo("America/Winnipeg"), ZoneInfo("Asia/Kolkata")])
uniform_instants = st.datetimes(
    min_value=datetime(2015, 1, 2),
    max_value=datetime(2035, 12, 30),
    timezones=zones,
    allow_imaginary=False,
)
# Offsets are added in UTC: aware arithmetic in one zone is wall-clock arithmetic.
near_anchor = st.builds(
    lambda anchor, seconds: anchor.astimezone(UTC) + timedelta(seconds=seconds),
    st.sampled_from(ANCHORS),
    st.integers(-5 * 86400, 5 * 86400),
)
# The tests compute with these instants too, so they are given in UTC (elapsed
# time and ordering are then plain); test_input_zone_does_not_matter covers zones.
instants = st.one_of(uniform_instants, near_anchor).map(lambda d: d.astimezone(UTC))
dates = st.dates(FIRST, LAST)


@PROPERTY
@given(calendars, instants, instants)
def test_durations_are_non_negative_forwards_and_antisymmetric(cal, a, b):
    start, end = sorted([a, b])
    forward = business_time_between(cal, start, end)
    assert forward.days >= 0 and forward.seconds >= 0
    assert business_time_between(cal, end, start) == -forward


@PROPERTY
@given(calendars, instants, instants, zones, zones)
def test_input_zone_does_not_matter(cal, a, b, zone_a, zone_b):
    expected = business_time_between(cal, a, b)
    assert business_time_between(cal, a.astimezone(zone_a), b.astimezone(zone_b)) == expected


@PROPERTY
@given(calendars, instants, instants, instants)
def test_durations_are_additive(cal, a, b, c):
    # Any order: antisymmetry makes additivity hold for every a, b, c.
    ab = business_time_between(cal, a, b)
    bc = business_time_between(cal, b, c)
    assert ab + bc == business_time_between(cal, a, c)


@PROPERTY
@given(calendars, instants, instants)
def test_seconds_never_exceed_elapsed_time(cal, a, b):
    start, end = sorted([a, b])
    # +1: the start is truncated to its whole second.
    assert business_time_between(cal, start, end).seconds <= (end - start).total_seconds() + 1


@settings(PROPERTY, max_examples=60)  # each example builds a new calendar's tables
@given(dates, st.integers(-3 * 86400, 4 * 86400), st.integers(-3 * 86400, 4 * 86400))
def test_a_closure_removes_exactly_that_day(day, offset_a, offset_b):
    closed = Calendar.child_of(GOVERNMENT, "closed", closures=(Closure(day, "Storm"),))
    midnight = datetime.combine(day, time(0), TORONTO).astimezone(UTC)
    next_midnight = datetime.combine(day + DAY, time(0), TORONTO).astimezone(UTC)
    start, end = sorted([midnight + timedelta(seconds=offset_a), midnight + timedelta(seconds=offset_b)])
    assert business_time_between(closed, midnight, next_midnight).seconds == 0
    assert business_time_between(closed, start, end).days == business_time_between(
        GOVERNMENT, start, end
    ).days - (start < next_midnight and end >= next_midnight and is_business_day(GOVERNMENT, day))
    # What the closure removes is the open time of that day inside [start, end).
    lo, hi = max(start, midnight), min(end, next_midnight)
    lost = business_time_between(GOVERNMENT, lo, max(lo, hi)).seconds
    assert (
        business_time_between(closed, start, end).seconds
        == business_time_between(GOVERNMENT, start, end).seconds - lost
    )


@PROPERTY
@given(calendars, instants, st.integers(-3_000_000, 3_000_000))
def test_add_business_seconds_round_trips_and_is_tight(cal, start, seconds):
    result = add_business_seconds(cal, start, seconds)
    assert business_time_between(cal, start, result).seconds == seconds
    if seconds > 0:  # earliest such instant
        assert business_time_between(cal, start, later(result, -1)).seconds == seconds - 1
    if seconds < 0:  # latest such instant
        assert business_time_between(cal, start, later(result, 1)).seconds == seconds + 1


@PROPERTY
@given(calendars, instants, st.integers(-60, 60))
def test_add_business_days_round_trips(cal, start, days):
    result = add_business_days(cal, start, days)
    assert business_time_between(cal, start, result).days == days
    day = result.astimezone(cal.zone).date()
    if days >= 0:  # close of business: open just before, no open time left that day
        assert is_open(cal, later(result, -1))
        rest = business_time_between(cal, result, datetime.combine(day, time(0), cal.zone) + DAY)
        assert rest.seconds <= 1  # 1 when the hours run to midnight (close is 23:59:59)
    else:  # the day's opening
        assert result == open_intervals(cal, day)[0][0]


@PROPERTY
@given(calendars, instants)
def test_next_open_instant_is_open_and_nothing_is_skipped(cal, instant):
    result = next_open_instant(cal, instant)
    assert result >= instant
    assert is_open(cal, result)
    assert business_time_between(cal, instant, result).seconds == 0


def _busday_inputs(cal: Calendar) -> tuple[str, np.ndarray]:
    holidays = holidays_between(cal, FIRST - timedelta(days=7), LAST + timedelta(days=7))
    return cal.hours[0].weekmask, np.array(sorted(holidays), dtype="datetime64[D]")


BUSDAY = {cal.name: _busday_inputs(cal) for cal in MASKED}


@PROPERTY
@given(st.sampled_from(MASKED), dates, dates, st.integers(0, 86399), st.integers(0, 86399))
def test_days_agree_with_numpy_busday_count(cal, d1, d2, s1, s2):
    weekmask, holidays = BUSDAY[cal.name]
    start = datetime.combine(d1, time(0), cal.zone) + timedelta(seconds=s1)
    end = datetime.combine(d2, time(0), cal.zone) + timedelta(seconds=s2)
    # Seconds after midnight can cross a DST change: the oracle takes the local dates.
    d1, d2 = start.astimezone(cal.zone).date(), end.astimezone(cal.zone).date()
    if d1 <= d2:
        expected = int(np.busday_count(d1, d2, weekmask=weekmask, holidays=holidays))
    else:
        # numpy counts a reversed range as -(days in (d2, d1]), which is not
        # antisymmetric; ours is -(days in [d2, d1)), i.e. -busday_count(d2, d1).
        expected = -int(np.busday_count(d2, d1, weekmask=weekmask, holidays=holidays))
    assert business_time_between(cal, start, end).days == expected


@PROPERTY
@given(st.sampled_from(MASKED), dates, st.integers(0, 400))
def test_table_ordinals_agree_with_numpy_busday_count(cal, start, length):
    end = min(start + timedelta(days=length), LAST)
    weekmask, holidays = BUSDAY[cal.name]
    rows = calendar_table(cal, start, end)
    expected = np.busday_count(start, [r.date for r in rows], weekmask=weekmask, holidays=holidays).tolist()
    assert [r.business_day_ordinal for r in rows] == expected


@PROPERTY
@given(calendars, dates, st.integers(0, 120), st.integers(0, 120))
def test_table_cumulative_seconds_match_durations(cal, start, i, j):
    rows = calendar_table(cal, start, start + timedelta(days=120))
    a, b = rows[i], rows[j]
    span = business_time_between(
        cal, datetime.combine(a.date, time(0), cal.zone), datetime.combine(b.date, time(0), cal.zone)
    )
    assert b.business_day_ordinal - a.business_day_ordinal == span.days
    assert b.cumulative_open_seconds - a.cumulative_open_seconds == span.seconds


def _elapsed(columns: dict, instant: datetime) -> int:
    """Open seconds up to instant, the way an engine's as-of join would compute it."""
    starts = columns["start"]
    i = bisect_right(starts, instant) - 1
    if i < 0:
        return 0
    start, end = starts[i], columns["end"][i]
    return columns["open_seconds_before"][i] + int((min(instant, end) - start).total_seconds())


@PROPERTY
@given(calendars, dates, st.integers(0, 40 * 86400), st.integers(0, 40 * 86400))
def test_interval_table_as_of_join_gives_open_seconds(cal, first, offset_a, offset_b):
    columns = open_interval_table_columns(cal, first, first + timedelta(days=45))
    midnight = datetime.combine(first, time(0), cal.zone).astimezone(UTC)
    a, b = later(midnight, offset_a), later(midnight, offset_b)
    expected = business_time_between(cal, a, b).seconds
    assert _elapsed(columns, b) - _elapsed(columns, a) == expected
