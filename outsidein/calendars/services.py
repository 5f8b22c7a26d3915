"""Writes: calendars, their weekly hours and closures."""

import datetime as dt

from django.db import transaction

from outsidein.calendars.models import BusinessCalendar, CalendarClosure, CalendarHours
from outsidein.common.audit import audit_record
from outsidein.common.changes import inputs_changed


@transaction.atomic
def calendar_create(*, name: str, organization=None, parent: BusinessCalendar | None = None,
                    timezone: str = "", country: str = "", subdivision: str = "",
                    observe_substitute_days: bool | None = None,
                    optional_holidays: list[str] | None = None, by=None) -> BusinessCalendar:
    """Create a calendar; blank settings inherit from the parent."""
    calendar = BusinessCalendar(name=name, organization=organization, parent=parent,
                                timezone=timezone, country=country, subdivision=subdivision,
                                observe_substitute_days=observe_substitute_days,
                                optional_holidays=optional_holidays or [])
    calendar.full_clean()
    calendar.save()
    audit_record(actor=by, action="calendar.create", obj=calendar, summary=name)
    return calendar


@transaction.atomic
def calendar_set_hours(*, calendar: BusinessCalendar, slots: dict[int, list[tuple[dt.time, dt.time]]],
                       effective_from: dt.date | None = None, by=None) -> None:
    """Replace the weekly hours in force from a date (several slots per weekday allowed)."""
    calendar.hours.filter(effective_from=effective_from).delete()
    rows = [CalendarHours(calendar=calendar, effective_from=effective_from, weekday=day,
                          opens=opens, closes=closes)
            for day, pairs in slots.items() for opens, closes in pairs]
    for row in rows:
        row.full_clean()
    CalendarHours.objects.bulk_create(rows)
    audit_record(actor=by, action="calendar.set_hours", obj=calendar,
                 summary=f"from {effective_from or 'always'}",
                 changes={str(d): [f"{o:%H:%M}-{c:%H:%M}" for o, c in p] for d, p in slots.items()})
    inputs_changed(reason=f"hours of calendar {calendar.name} changed")


@transaction.atomic
def closure_add(*, calendar: BusinessCalendar, on: dt.date, name_en: str, name_fr: str,
                by=None) -> CalendarClosure:
    """Close the calendar for a whole day (a storm, a labour disruption)."""
    closure = CalendarClosure(calendar=calendar, on=on, name_en=name_en, name_fr=name_fr)
    closure.full_clean()
    closure.save()
    audit_record(actor=by, action="calendar.closure_add", obj=calendar,
                 summary=f"{on.isoformat()} {name_en}")
    inputs_changed(reason=f"calendar {calendar.name} closed on {on.isoformat()}")
    return closure


