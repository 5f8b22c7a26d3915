"""Shared calendars and hypothesis settings for the workdays tests."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, settings

from outsidein.workdays import Calendar, Closure, HolidayPolicy, TimeSlot, WeeklyHours

TORONTO = ZoneInfo("America/Toronto")

# Per-test settings rather than a global profile, so other suites keep theirs;
# no example database, so a test run leaves nothing behind in the repository.
PROPERTY = settings(
    max_examples=75,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    """Toronto wall time as an aware datetime."""
    return datetime(y, m, d, hh, mm, ss, tzinfo=TORONTO)


# The Ontario government: statutory holidays plus substitutes (the defaults).
GOVERNMENT = Calendar("Government of Ontario")

# A service with a lunch break, Civic Holiday off, a storm closure.
LUNCH = WeeklyHours({wd: (TimeSlot(time(8, 30), time(12)), TimeSlot(time(13), time(17))) for wd in range(5)})
OFFICE = Calendar.child_of(
    GOVERNMENT,
    "Thunder Bay office",
    hours=(LUNCH,),
    holiday_policy=HolidayPolicy(optional_holidays={"civic_holiday"}),
    closures=(Closure(date(2024, 1, 16), "Snow storm"),),
)

# A 24/7 telephone line with no holidays: counts real elapsed time.
ALWAYS = Calendar("24/7 line", hours=(WeeklyHours.always(),), holiday_policy=HolidayPolicy.none())
