"""Weekly opening hours: time slots per weekday, effective from a date."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

# A slot ending at midnight means "until the end of the day" (24:00), which a
# datetime.time cannot spell; 24/7 lines and online services need it.
END_OF_DAY = time(0)

_DAY_SECONDS = 24 * 3600


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


@dataclass(frozen=True)
class TimeSlot:
    """Local wall-clock opening [start, end) within one day."""

    start: time
    end: time

    def __post_init__(self) -> None:
        for label, value in (("start", self.start), ("end", self.end)):
            if not isinstance(value, time):
                raise TypeError(f"TimeSlot.{label} must be a datetime.time, got {value!r}")
            if value.tzinfo is not None:
                raise ValueError(f"TimeSlot.{label} must be a naive wall-clock time")
            # Whole seconds keep every business duration an exact integer.
            if value.microsecond:
                raise ValueError(f"TimeSlot.{label} must be a whole second, got {value}")
        if self.start_seconds >= self.end_seconds:
            raise ValueError(f"TimeSlot start {self.start} must be before end {self.end}")

    @property
    def start_seconds(self) -> int:
        """Seconds after local midnight at which the slot opens."""
        return _seconds(self.start)

    @property
    def end_seconds(self) -> int:
        """Seconds after local midnight at which the slot closes (86400 for END_OF_DAY)."""
        return _DAY_SECONDS if self.end == END_OF_DAY else _seconds(self.end)

    @property
    def ends_at_midnight(self) -> bool:
        """True when the slot runs to the end of the day."""
        return self.end == END_OF_DAY


class _FrozenSlots(Mapping[int, tuple[TimeSlot, ...]]):
    """Read-only, hashable weekday -> slots mapping (keeps WeeklyHours hashable)."""

    __slots__ = ("_data", "_hash")

    def __init__(self, data: dict[int, tuple[TimeSlot, ...]]) -> None:
        self._data = dict(sorted(data.items()))
        self._hash = hash(tuple(self._data.items()))

    def __getitem__(self, key: int) -> tuple[TimeSlot, ...]:
        return self._data[key]

    def __iter__(self) -> Iterator[int]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return repr(self._data)


def _normalise_day(weekday: object, slots: object) -> tuple[TimeSlot, ...]:
    if not isinstance(weekday, int) or isinstance(weekday, bool) or not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be an int 0 (Monday) .. 6 (Sunday), got {weekday!r}")
    items = (slots,) if isinstance(slots, TimeSlot) else tuple(slots)  # type: ignore[arg-type]
    for slot in items:
        if not isinstance(slot, TimeSlot):
            raise TypeError(f"weekday {weekday}: expected TimeSlot, got {slot!r}")
    ordered = tuple(sorted(items, key=lambda s: s.start_seconds))
    for before, after in zip(ordered, ordered[1:], strict=False):
        # Touching slots (12:00-12:00) are fine; any shared second is not.
        if after.start_seconds < before.end_seconds:
            raise ValueError(f"weekday {weekday}: slots {before} and {after} overlap")
    return ordered


@dataclass(frozen=True)
class WeeklyHours:
    """Opening slots per weekday (0=Monday), in force from effective_from (None = always)."""

    slots: Mapping[int, tuple[TimeSlot, ...]]
    effective_from: date | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.slots, Mapping):
            raise TypeError("WeeklyHours.slots must be a mapping of weekday -> slots")
        if self.effective_from is not None and (
            not isinstance(self.effective_from, date) or isinstance(self.effective_from, datetime)
        ):
            raise TypeError("WeeklyHours.effective_from must be a date (not a datetime) or None")
        normalised = {wd: _normalise_day(wd, s) for wd, s in self.slots.items()}
        # Days without slots are simply closed; dropping them keeps equality canonical.
        object.__setattr__(self, "slots", _FrozenSlots({k: v for k, v in normalised.items() if v}))

    @classmethod
    def standard(
        cls,
        start: time = time(8, 30),
        end: time = time(17, 0),
        weekdays: Iterable[int] = range(5),
        effective_from: date | None = None,
    ) -> WeeklyHours:
        """One slot start-end on each of the given weekdays (default Mon-Fri 8:30-17:00)."""
        slot = TimeSlot(start, end)
        return cls({wd: (slot,) for wd in weekdays}, effective_from)

    @classmethod
    def always(cls, effective_from: date | None = None) -> WeeklyHours:
        """Open around the clock, every day (telephone lines, online services)."""
        return cls.standard(time(0), END_OF_DAY, range(7), effective_from)

    def slots_on(self, weekday: int) -> tuple[TimeSlot, ...]:
        """Slots for a weekday, empty when closed."""
        return self.slots.get(weekday, ())

    @property
    def weekmask(self) -> str:
        """numpy-style weekmask ("1111100") of the weekdays with any slot."""
        return "".join("1" if self.slots_on(wd) else "0" for wd in range(7))
