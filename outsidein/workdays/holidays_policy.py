"""Which statutory and optional holidays a calendar observes, and their substitute days."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays as holidays_lib

# Stable keys for holidays, matched against the English (en_CA) names the
# `holidays` package gives. Names, not dates, are matched so that a key follows
# the holiday when the package moves it; aliases absorb spelling variants
# ("Labor"/"Labour") and renames across versions. A test asserts every key
# below still resolves for Ontario 2015-2035 with the pinned version, so a
# rename breaks the build instead of silently dropping a holiday.
HOLIDAY_KEYS: dict[str, tuple[str, ...]] = {
    "new_years_day": ("new year's day",),
    "family_day": ("family day",),
    "good_friday": ("good friday",),
    "easter_monday": ("easter monday",),
    "victoria_day": ("victoria day",),
    "canada_day": ("canada day",),
    "civic_holiday": ("civic holiday",),
    "labour_day": ("labour day", "labor day"),
    "truth_and_reconciliation_day": ("national day for truth and reconciliation",),
    "thanksgiving_day": ("thanksgiving day", "thanksgiving"),
    "remembrance_day": ("remembrance day",),
    "christmas_day": ("christmas day",),
    "boxing_day": ("boxing day",),
}

_KEY_BY_NAME = {alias: key for key, aliases in HOLIDAY_KEYS.items() for alias in aliases}

# Days on which a holiday is "lost" and earns a substitute. Statutory
# substitution follows the Saturday/Sunday weekend, not an office's own hours.
_WEEKEND = frozenset({5, 6})
_SUBSTITUTE_SUFFIX = " (observed)"


def holiday_key(name: str) -> str | None:
    """Stable key for a holiday name from the `holidays` package, None if unknown."""
    return _KEY_BY_NAME.get(name.strip().casefold())


def _as_keys(value: Iterable[str], label: str) -> frozenset[str]:
    if isinstance(value, str):
        raise TypeError(f"{label} must be a collection of keys, not a single string")
    keys = frozenset(value)
    unknown = sorted(keys - HOLIDAY_KEYS.keys())
    if unknown:
        raise ValueError(f"{label}: unknown holiday keys {unknown}; known: {sorted(HOLIDAY_KEYS)}")
    return keys


@dataclass(frozen=True)
class HolidayPolicy:
    """Holidays from the pinned `holidays` package, with explicit optional/substitute choices."""

    # country=None means no statutory holidays at all (e.g. a 24/7 online service).

    country: str | None = "CA"
    subdivision: str | None = "ON"
    observe_substitute_days: bool = True
    optional_holidays: frozenset[str] = frozenset()
    excluded_holidays: frozenset[str] = frozenset()
    _cache: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "optional_holidays", _as_keys(self.optional_holidays, "optional_holidays"))
        object.__setattr__(self, "excluded_holidays", _as_keys(self.excluded_holidays, "excluded_holidays"))
        if self.country is not None:
            try:
                # Fail at configuration time, not on the first computation.
                self._package_class()
            except NotImplementedError as exc:
                raise ValueError(f"holidays package does not support {exc}") from exc

    @classmethod
    def none(cls) -> HolidayPolicy:
        """A policy observing no holidays."""
        return cls(country=None, subdivision=None, observe_substitute_days=False)

    def holidays_for_year(self, year: int) -> dict[date, str]:
        """Observed holidays of a year (actual dates and substitutes), date -> name."""
        return dict(self.observed(year))

    def observed(self, year: int) -> dict[date, str]:
        """Cached, shared version of holidays_for_year: callers must not mutate it."""
        key = ("observed", year)
        if key not in self._cache:
            # Equal policies share results: the web layer rebuilds policies per request.
            self._cache[key] = _shared_observed(self, year)
        return self._cache[key]

    def _compute_observed(self, year: int) -> dict[date, str]:
        result = dict(self._actual(year))
        if self.observe_substitute_days:
            # A late-December holiday can push its substitute into January.
            for day, name in self._substitutes(year - 1, year).items():
                if day.year == year:
                    result[day] = _join(result.get(day), name)
        return dict(sorted(result.items()))

    def _substitutes(self, *years: int) -> dict[date, str]:
        taken = {d for y in (*years, years[-1] + 1) for d in self._actual(y)}
        found: dict[date, str] = {}
        for y in years:
            for day, name in sorted(self._actual(y).items()):
                if day.weekday() not in _WEEKEND:
                    continue
                # Next weekday that is neither a holiday nor already a substitute:
                # Christmas on Saturday -> Monday, Boxing Day on Sunday -> Tuesday.
                sub = day + timedelta(days=1)
                while sub.weekday() in _WEEKEND or sub in taken:
                    sub += timedelta(days=1)
                taken.add(sub)
                found[sub] = _join(
                    found.get(sub), "; ".join(n + _SUBSTITUTE_SUFFIX for n in name.split("; "))
                )
        return found

    def _actual(self, year: int) -> dict[date, str]:
        """Holidays on their actual dates (no substitutes) after optional/excluded choices."""
        key = ("actual", year)
        if key in self._cache:
            return self._cache[key]
        found: dict[date, list[str]] = {}
        if self.country is not None:
            for day, name in self._package_holidays(year, ("public",)):
                if holiday_key(name) not in self.excluded_holidays:
                    found.setdefault(day, []).append(name)
            wanted = self.optional_holidays - self.excluded_holidays
            if wanted:
                for day, name in self._package_holidays(year, ("optional", "government")):
                    if holiday_key(name) in wanted and name not in found.get(day, ()):
                        found.setdefault(day, []).append(name)
        result = {day: "; ".join(names) for day, names in sorted(found.items())}
        self._cache[key] = result
        return result

    def _package_class(self) -> type:
        if "class" not in self._cache:
            probe = holidays_lib.country_holidays(self.country, subdiv=self.subdivision)
            self._cache["class"] = type(probe)
        return self._cache["class"]

    def _package_holidays(self, year: int, categories: tuple[str, ...]) -> list[tuple[date, str]]:
        cls = self._package_class()
        supported = tuple(c for c in categories if c in cls.supported_categories)
        if not supported:
            return []
        # en_CA gives "Labour Day"; the package default would give "Labor Day".
        language = "en_CA" if "en_CA" in cls.supported_languages else None
        # observed=False: substitutes are this policy's rule, not the package's,
        # because the package's Ontario substitutes changed between releases.
        table = holidays_lib.country_holidays(
            self.country,
            subdiv=self.subdivision,
            years=year,
            observed=False,
            language=language,
            categories=supported,
        )
        return [(day, name) for day in sorted(table) for name in table.get_list(day)]


@lru_cache(maxsize=512)
def _shared_observed(policy: HolidayPolicy, year: int) -> dict[date, str]:
    return policy._compute_observed(year)


def _join(existing: str | None, name: str) -> str:
    return name if existing is None else f"{existing}; {name}"
