"""Fingerprints of a result's inputs: the version, its calendars, the dataset files it read.

A version whose fingerprint has not changed since its results were stored need not be
recomputed (unless records were still pending then: time alone turns pending into missed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence

from outsidein import workdays
from outsidein.compliance.engine.evaluation import VersionPlan
from outsidein.warehouse.calendar_tables import calendar_clock

# Bump when the engine's semantics change, so every stored result is recomputed once.
ENGINE_REVISION = 1


def dataset_digest(listing: dict[str, list[tuple[str, int, int]]], channels: Sequence[str]) -> str:
    """Digest of the files of some channels (all channels when none are named).

    `listing` is the store's (warehouse.store.InteractionStore.listing): channel -> (name, size,
    mtime) of each live file; the store alone knows which files under its root are live.
    """
    digest = hashlib.sha256()
    for channel in sorted(listing):
        if channels and channel not in channels:
            continue
        for entry in listing[channel]:
            digest.update(json.dumps(entry).encode())
    return digest.hexdigest()


class CalendarDigests:
    """Digests of calendar tables, computed once per calendar, span and kind in a run."""

    def __init__(self, calendars: Sequence[workdays.Calendar]):
        self.calendars = calendars
        self._done: dict[tuple, str] = {}

    def digest(self, position: int, first: dt.date, last: dt.date, business_hours: bool) -> str:
        key = (position, first, last, business_hours)
        if key not in self._done:
            self._done[key] = calendar_clock(self.calendars[position], first, last,
                                             business_hours=business_hours).digest
        return self._done[key]


def version_fingerprint(plan: VersionPlan, version_fields: dict, *, calendars: CalendarDigests,
                        listing: dict[str, list[tuple[str, int, int]]], as_of: dt.datetime) -> str:
    """sha256 of a version's fields, its rule and scope, its calendars' tables, its files."""
    # Calendars matter from the first effective date to the end of the computation's year.
    last = dt.date(as_of.year, 12, 31)
    first = min(plan.effective_from, last)
    business_hours = plan.rule.unit == "business_hours"
    payload = {
        "revision": ENGINE_REVISION,
        "version": version_fields,
        "rule": repr(plan.rule),
        "threshold": str(plan.threshold),
        "target": plan.target,
        "service": plan.service_code,
        # Positions in the run's calendar list differ between runs; the tables do not.
        "scope": [(code, org, calendars.digest(position, first, last, business_hours))
                  for code, org, position in plan.organizations],
        "data": dataset_digest(listing, plan.rule.channels),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
