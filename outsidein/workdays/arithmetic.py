"""Business-time arithmetic on aware instants: durations, offsets, next opening."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .business_calendar import Calendar
from .days import DayInfo, count_business_days, count_open_seconds, day_info
from .instants import epoch_seconds, from_epoch, require_aware, require_date

# A calendar with no business day for this long is misconfigured (e.g. hours
# that end and never resume); searching further would only hang.
_MAX_CLOSED_RUN = timedelta(days=3660)
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class BusinessDuration:
    """Business days and open seconds between two instants (negative when reversed)."""

    days: int
    seconds: int

    def __neg__(self) -> BusinessDuration:
        return BusinessDuration(-self.days, -self.seconds)

    def __add__(self, other: BusinessDuration) -> BusinessDuration:
        if not isinstance(other, BusinessDuration):
            return NotImplemented
        return BusinessDuration(self.days + other.days, self.seconds + other.seconds)


def is_business_day(cal: Calendar, d: date) -> bool:
    """True if d has open hours and is neither a holiday nor a closure."""
    return day_info(cal, require_date(d, "d")).is_business_day


def open_intervals(cal: Calendar, d: date) -> list[tuple[datetime, datetime]]:
    """Open [start, end) intervals of local date d, as aware datetimes in cal's zone."""
    info = day_info(cal, require_date(d, "d"))
    return [(from_epoch(a, cal.zone), from_epoch(b, cal.zone)) for a, b in info.intervals]


def is_open(cal: Calendar, instant: datetime) -> bool:
    """True if instant lies inside an open interval (start inclusive, end exclusive)."""
    t = epoch_seconds(require_aware(instant, "instant"))
    info = day_info(cal, _local_date(cal, t))
    return any(a <= t < b for a, b in info.intervals)


def next_open_instant(cal: Calendar, instant: datetime) -> datetime:
    """instant itself if open, else the start of the next open interval (in cal's zone)."""
    t = epoch_seconds(require_aware(instant, "instant"))
    for info in _days_forward(cal, _local_date(cal, t)):
        for a, b in info.intervals:
            # Interval bounds are whole seconds, so comparing the floored
            # instant is exact even when instant carries microseconds.
            if a <= t < b:
                return instant.astimezone(cal.zone)
            if a > t:
                return from_epoch(a, cal.zone)
    raise AssertionError("unreachable")  # pragma: no cover


def business_time_between(cal: Calendar, start: datetime, end: datetime) -> BusinessDuration:
    """Business days in [start date, end date) and open seconds in [start, end)."""
    # Dates are local to cal, so days match numpy.busday_count (end date
    # excluded). Instants are truncated to whole seconds to keep durations exact
    # and additive. end < start gives the negation, so the result is
    # antisymmetric (numpy's reversed count is not).
    s = epoch_seconds(require_aware(start, "start"))
    e = epoch_seconds(require_aware(end, "end"))
    if e < s:
        return -_between(cal, e, s)
    return _between(cal, s, e)


def _between(cal: Calendar, s: int, e: int) -> BusinessDuration:
    first, last = _local_date(cal, s), _local_date(cal, e)
    days = count_business_days(cal, first, last)
    if first == last:
        return BusinessDuration(days, _overlap(day_info(cal, first), s, e))
    seconds = (
        _overlap(day_info(cal, first), s, None)
        + count_open_seconds(cal, first + _ONE_DAY, last)
        + _overlap(day_info(cal, last), None, e)
    )
    return BusinessDuration(days, seconds)


def _overlap(info: DayInfo, s: int | None, e: int | None) -> int:
    total = 0
    for a, b in info.intervals:
        lo = a if s is None else max(a, s)
        hi = b if e is None else min(b, e)
        if hi > lo:
            total += hi - lo
    return total


def add_business_seconds(cal: Calendar, start: datetime, seconds: int) -> datetime:
    """Earliest instant with `seconds` open seconds since start (latest, going back)."""
    # Either way business_time_between(cal, start, result).seconds == seconds; a
    # result at a slot's end stays there rather than jumping to the next opening.
    require_aware(start, "start")
    if seconds == 0:
        return start.astimezone(cal.zone)
    t = epoch_seconds(start)
    remaining = abs(seconds)
    if seconds > 0:
        for info in _days_forward(cal, _local_date(cal, t)):
            if remaining > info.open_seconds and info.intervals and info.opens >= t:
                remaining -= info.open_seconds  # whole day: skip its intervals
                continue
            for a, b in info.intervals:
                lo = max(a, t)
                if b > lo:
                    if remaining <= b - lo:
                        return from_epoch(lo + remaining, cal.zone)
                    remaining -= b - lo
    else:
        for info in _days_backward(cal, _local_date(cal, t)):
            if remaining > info.open_seconds and info.intervals and info.closes <= t:
                remaining -= info.open_seconds
                continue
            for a, b in reversed(info.intervals):
                hi = min(b, t)
                if hi > a:
                    if remaining <= hi - a:
                        return from_epoch(hi - remaining, cal.zone)
                    remaining -= hi - a
    raise AssertionError("unreachable")  # pragma: no cover


def add_business_days(cal: Calendar, start: datetime, days: int) -> datetime:
    """Close of business on the days-th business day after start's receipt day."""
    # "Within 15 working days of receipt": the receipt day is start's local date,
    # or the next business day when mail arrives on a weekend or holiday; days=0
    # is the receipt day itself. Negative days give the opening of the -days-th
    # business day before start's date. Both keep
    # business_time_between(cal, start, result).days == days for every start.
    local = _local_date(cal, epoch_seconds(require_aware(start, "start")))
    if days >= 0:
        remaining = days
        for info in _days_forward(cal, local):
            if info.is_business_day:
                if remaining == 0:
                    return from_epoch(_close_of_business(cal, info), cal.zone)
                remaining -= 1
    else:
        remaining = -days
        for info in _days_backward(cal, local - _ONE_DAY):
            if info.is_business_day:
                remaining -= 1
                if remaining == 0:
                    return from_epoch(info.opens, cal.zone)
    raise AssertionError("unreachable")  # pragma: no cover


def _close_of_business(cal: Calendar, info: DayInfo) -> int:
    close = info.closes
    # A close at midnight is dated the next day and would add a business day.
    return close - 1 if _local_date(cal, close) != info.day else close


def _local_date(cal: Calendar, t: int) -> date:
    return from_epoch(t, cal.zone).date()


def _days_forward(cal: Calendar, first: date) -> Iterator[DayInfo]:
    return _walk(cal, first, _ONE_DAY)


def _days_backward(cal: Calendar, first: date) -> Iterator[DayInfo]:
    return _walk(cal, first, -_ONE_DAY)


def _walk(cal: Calendar, day: date, step: timedelta) -> Iterator[DayInfo]:
    last_open = day
    while True:
        info = day_info(cal, day)
        if info.is_business_day:
            last_open = day
        elif abs(day - last_open) > _MAX_CLOSED_RUN:
            raise ValueError(
                f"calendar {cal.name!r} has no business day in the {_MAX_CLOSED_RUN.days} days "
                f"around {last_open}; check its hours, holidays and closures"
            )
        yield info
        day += step
