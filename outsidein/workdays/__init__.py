"""Business-time arithmetic for service standards: pure Python, no Django."""

from .arithmetic import (
    BusinessDuration,
    add_business_days,
    add_business_seconds,
    business_time_between,
    is_business_day,
    is_open,
    next_open_instant,
    open_intervals,
)
from .business_calendar import Calendar, Closure
from .holidays_policy import HOLIDAY_KEYS, HolidayPolicy
from .hours import END_OF_DAY, TimeSlot, WeeklyHours
from .table import (
    CALENDAR_TABLE_COLUMNS,
    OPEN_INTERVAL_COLUMNS,
    CalendarDay,
    calendar_table,
    calendar_table_columns,
    holidays_between,
    open_interval_table_columns,
)

__all__ = [
    "CALENDAR_TABLE_COLUMNS",
    "END_OF_DAY",
    "HOLIDAY_KEYS",
    "OPEN_INTERVAL_COLUMNS",
    "BusinessDuration",
    "Calendar",
    "CalendarDay",
    "Closure",
    "HolidayPolicy",
    "TimeSlot",
    "WeeklyHours",
    "add_business_days",
    "add_business_seconds",
    "business_time_between",
    "calendar_table",
    "calendar_table_columns",
    "holidays_between",
    "is_business_day",
    "is_open",
    "next_open_instant",
    "open_interval_table_columns",
    "open_intervals",
]
