"""Aware instants: input checks and local wall time to instant, DST included."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def require_aware(value: object, label: str) -> datetime:
    """Return value if it is a timezone-aware datetime, else raise ValueError."""
    if not isinstance(value, datetime):
        raise TypeError(f"{label} must be a timezone-aware datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(
            f"{label} must be timezone-aware, got naive {value.isoformat()}; "
            "attach a zone, e.g. tzinfo=ZoneInfo('America/Toronto')"
        )
    return value


def require_date(value: object, label: str) -> date:
    """Return value if it is a date and not a datetime, else raise TypeError."""
    # datetime subclasses date: silently taking .date() would hide a zone mistake.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"{label} must be a datetime.date, got {type(value).__name__}")
    return value


def epoch_seconds(instant: datetime) -> int:
    """Whole POSIX seconds of an aware instant, truncated towards the past."""
    # Floor, not round, so that truncation is monotone and durations stay additive.
    return int((instant - _EPOCH) // timedelta(seconds=1))


def from_epoch(seconds: int, zone: ZoneInfo) -> datetime:
    """Aware datetime in zone for POSIX seconds."""
    return (_EPOCH + timedelta(seconds=seconds)).astimezone(zone)


def local_to_epoch(day: date, seconds_after_midnight: int, zone: ZoneInfo) -> int:
    """POSIX seconds of a local wall time; DST gaps and folds resolved deterministically."""
    # A wall time repeated by a fall-back change means its first occurrence
    # (fold=0). A wall time skipped by a spring-forward change means the instant
    # the clocks jump (02:30 means 03:00 daylight time): unlike PEP 495's reading
    # (03:30), the mapping never runs backwards, so a slot never has negative length.
    if seconds_after_midnight >= 86400:
        day, seconds_after_midnight = day + timedelta(days=1), seconds_after_midnight - 86400
    wall = datetime.combine(day, _time_of(seconds_after_midnight))
    guess = wall.replace(tzinfo=zone)
    result = epoch_seconds(guess)
    if from_epoch(result, zone).replace(tzinfo=None) == wall:
        return result
    return _gap_end(wall, zone)


def midnight_offsets(first: date, count: int, zone: ZoneInfo) -> list[int]:
    """UTC offsets in seconds at local midnight of first .. first + count days."""
    return [
        int(datetime.combine(first + timedelta(days=i), time(0), zone).utcoffset().total_seconds())
        for i in range(count + 1)
    ]


def local_epoch_base(day: date) -> int:
    """POSIX seconds of day's midnight as if the zone were UTC."""
    return (day.toordinal() - _EPOCH_ORDINAL) * 86400


def _time_of(seconds: int) -> time:
    return time(seconds // 3600, seconds % 3600 // 60, seconds % 60)


def _gap_end(wall: datetime, zone: ZoneInfo) -> int:
    # For a skipped wall time, fold=1 reads it with the later offset (an instant
    # before the change) and fold=0 with the earlier offset (after the change):
    # the change lies between them. Bisect on the offset to find it.
    low = epoch_seconds(wall.replace(tzinfo=zone, fold=1))
    high = epoch_seconds(wall.replace(tzinfo=zone, fold=0))
    if low > high:
        low, high = high, low
    before = from_epoch(low, zone).utcoffset()
    while high - low > 1:
        mid = (low + high) // 2
        if from_epoch(mid, zone).utcoffset() == before:
            low = mid
        else:
            high = mid
    return high


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = _EPOCH.date().toordinal()
