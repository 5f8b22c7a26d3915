"""Business calendars: zone, effective-dated hours, holidays, closures, and a parent."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .holidays_policy import HolidayPolicy
from .hours import WeeklyHours
from .instants import require_date

# What a root calendar (no parent) gets for a setting it leaves as None.
DEFAULT_TIMEZONE = "America/Toronto"
DEFAULT_HOURS: tuple[WeeklyHours, ...] = (WeeklyHours.standard(),)
DEFAULT_HOLIDAY_POLICY = HolidayPolicy()


@dataclass(frozen=True)
class Closure:
    """A whole-day closure on a date (storm, labour disruption, office move)."""

    on: date
    name: str

    def __post_init__(self) -> None:
        require_date(self.on, "Closure.on")
        if not self.name or not self.name.strip():
            raise ValueError("Closure.name must not be empty")


@dataclass(frozen=True)
class Calendar:
    """Business calendar of an organization or office; None settings inherit from parent."""

    # timezone, hours and holiday_policy left as None take the parent's (or the
    # Ontario defaults at the root) at construction, so after __init__ they hold
    # the effective values: a frozen parent cannot change afterwards. Closures
    # accumulate instead (all_closures = parent's + own): an office closes on
    # the government's closure days too.

    name: str
    timezone: str | None = None
    hours: tuple[WeeklyHours, ...] | None = None
    holiday_policy: HolidayPolicy | None = None
    closures: tuple[Closure, ...] = ()
    parent: Calendar | None = None
    _cache: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        parent = self.parent
        if parent is not None and not isinstance(parent, Calendar):
            raise TypeError("Calendar.parent must be a Calendar or None")
        inherited = {
            "timezone": parent.timezone if parent else DEFAULT_TIMEZONE,
            "hours": parent.hours if parent else DEFAULT_HOURS,
            "holiday_policy": parent.holiday_policy if parent else DEFAULT_HOLIDAY_POLICY,
        }
        for attr, value in inherited.items():
            if getattr(self, attr) is None:
                object.__setattr__(self, attr, value)
        object.__setattr__(self, "hours", _validate_hours(self.hours))
        object.__setattr__(self, "closures", _validate_closures(self.closures))
        if not isinstance(self.holiday_policy, HolidayPolicy):
            raise TypeError("Calendar.holiday_policy must be a HolidayPolicy or None")
        try:
            zone = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ValueError(f"Calendar {self.name!r}: unknown timezone {self.timezone!r}") from exc
        self._cache["zone"] = zone

    @classmethod
    def child_of(cls, parent: Calendar, name: str, **overrides: Any) -> Calendar:
        """A calendar inheriting everything from parent except the given overrides."""
        return cls(name, parent=parent, **overrides)

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's ZoneInfo."""
        return self._cache["zone"]

    @property
    def all_closures(self) -> tuple[Closure, ...]:
        """Closures of every ancestor, then this calendar's own."""
        inherited = self.parent.all_closures if self.parent else ()
        return inherited + self.closures

    def hours_on(self, day: date) -> WeeklyHours | None:
        """The WeeklyHours in force on day: latest effective_from <= day (None if none yet)."""
        current = None
        for hours in self.hours:  # sorted by effective_from, None first
            if hours.effective_from is None or hours.effective_from <= day:
                current = hours
            else:
                break
        return current

    def closures_in_year(self, year: int) -> dict[date, str]:
        """All closures (inherited included) in a year, date -> name."""
        key = ("closures", year)
        if key not in self._cache:
            found: dict[date, str] = {}
            for closure in self.all_closures:
                if closure.on.year == year:
                    previous = found.get(closure.on)
                    found[closure.on] = closure.name if previous is None else f"{previous}; {closure.name}"
            self._cache[key] = found
        return self._cache[key]

    def holidays_in_year(self, year: int) -> dict[date, str]:
        """Observed holidays and closures in a year, date -> name (shared; do not mutate)."""
        key = ("holidays", year)
        if key not in self._cache:
            merged = dict(self.holiday_policy.observed(year))
            for day, name in self.closures_in_year(year).items():
                merged[day] = name if day not in merged else f"{merged[day]}; {name}"
            self._cache[key] = dict(sorted(merged.items()))
        return self._cache[key]


def _validate_hours(hours: Iterable[WeeklyHours]) -> tuple[WeeklyHours, ...]:
    items = tuple(hours)
    if not items:
        raise ValueError("Calendar.hours needs at least one WeeklyHours")
    for item in items:
        if not isinstance(item, WeeklyHours):
            raise TypeError(f"Calendar.hours items must be WeeklyHours, got {item!r}")
    starts = [h.effective_from for h in items]
    if len(set(starts)) != len(starts):
        raise ValueError(f"Calendar.hours has two WeeklyHours with the same effective_from: {starts}")
    return tuple(sorted(items, key=lambda h: (h.effective_from is not None, h.effective_from)))


def _validate_closures(closures: Iterable[Closure]) -> tuple[Closure, ...]:
    items = tuple(closures)
    for item in items:
        if not isinstance(item, Closure):
            raise TypeError(f"Calendar.closures items must be Closure, got {item!r}")
    return items
