"""Reads: stored calendars as workdays.Calendar values, and the calendar of an organization."""

import datetime as dt
from collections import defaultdict

from django.db.models import QuerySet

from outsidein import workdays
from outsidein.accounts.models import Organization
from outsidein.accounts.selectors import organizations_for_user
from outsidein.calendars.models import BusinessCalendar


def calendars_for_user(user) -> QuerySet[BusinessCalendar]:
    """Calendars of the organizations the user may see, plus shared ones (no organization)."""
    from django.db.models import Q

    return (BusinessCalendar.objects
            .filter(Q(organization__in=organizations_for_user(user)) | Q(organization__isnull=True))
            .select_related("organization", "parent"))


def _weekly_hours(calendar: BusinessCalendar) -> tuple[workdays.WeeklyHours, ...] | None:
    slots: dict[dt.date | None, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for row in calendar.hours.all():
        slots[row.effective_from][row.weekday].append(workdays.TimeSlot(row.opens, row.closes))
    if not slots:
        return None  # inherit
    return tuple(workdays.WeeklyHours({day: tuple(s) for day, s in by_day.items()}, effective_from=since)
                 for since, by_day in sorted(slots.items(), key=lambda kv: (kv[0] is not None, kv[0])))


def _holiday_policy(calendar: BusinessCalendar) -> workdays.HolidayPolicy | None:
    # A calendar either states its holiday rules (a country) or inherits them whole.
    if not calendar.country:
        return None
    return workdays.HolidayPolicy(
        country=calendar.country, subdivision=calendar.subdivision or None,
        observe_substitute_days=calendar.observe_substitute_days is not False,
        optional_holidays=frozenset(calendar.optional_holidays))


def calendar_as_workdays(calendar: BusinessCalendar) -> workdays.Calendar:
    """The stored calendar (and its ancestors) as a pure workdays.Calendar."""
    parent = calendar_as_workdays(calendar.parent) if calendar.parent_id else None
    closures = tuple(workdays.Closure(c.on, c.name_en) for c in calendar.closures.all())
    return workdays.Calendar(calendar.name, timezone=calendar.timezone or None,
                             hours=_weekly_hours(calendar), holiday_policy=_holiday_policy(calendar),
                             closures=closures, parent=parent)


def calendar_for_organization(organization: Organization) -> BusinessCalendar | None:
    """The nearest calendar up the tree: the office's own, else its division's, ... else None."""
    return BusinessCalendar.objects.nearest_to(organization)


def month_grid(calendar: workdays.Calendar, year: int, month: int) -> list[list[dict | None]]:
    """Weeks (Monday first) of a month, each day with open hours, holiday or closure."""
    first = dt.date(year, month, 1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    rows = {d.date: d for d in workdays.calendar_table(calendar, first, last)}
    weeks, week = [], [None] * first.weekday()
    for offset in range((last - first).days + 1):
        day = first + dt.timedelta(days=offset)
        row = rows[day]
        week.append({"date": day, "open": row.is_business_day, "hours": row.open_seconds / 3600,
                     "holiday": row.holiday})
        if len(week) == 7:
            weeks.append(week)
            week = []
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    return weeks
