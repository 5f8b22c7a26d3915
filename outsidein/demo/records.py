"""Twelve months of synthetic interaction records for the demo organization (seeded, vectorized).

The records tell a story on the dashboards: more calls and visits on Mondays, a summer peak for
outdoor cards, nothing at an office on the days it is closed, Lakeside missing its walk-in
standard, the contact centre dipping just under 80% by the third ring in winter, one week of a
labour disruption (its records carry the exclusion reason and are reported, not counted), and a
few items still open at the end. The same seed and end instant give the same records, and every
record keeps its id from one run to the next, so loading twice replaces and never duplicates.

This module is pure (numpy and pyarrow, no Django): `demo_records` takes the offices' business
calendars. `outsidein.demo.loading` reads them from the database and imports the records through
the interactions service, like any other source system's file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from outsidein import workdays
from outsidein.demo import catalogue as c
from outsidein.interactions.schema import TIMESTAMP, record_schema

SOURCE = "demo"  # the source system the demo records come from
ZONE = "America/Toronto"  # the demo's zone: the window's days are local days here
DEFAULT_ROWS = 1_000_000
DEFAULT_SEED = 2026
LABOUR_DISRUPTION = "labour disruption"
NORTH, LAKE, CONTACT, CENTRAL = ("pex-service-north", "pex-service-lake", "pex-service-contact",
                                 "pex-service")
OFFICES = (NORTH, LAKE)
# Offices and units whose staff were out in the labour disruption week.
DISRUPTED = (LAKE, CONTACT)
SCHEMA = record_schema()

# Share of all records by channel.
CHANNEL_SHARES = {"telephone": 0.42, "in_person": 0.25, "online": 0.22, "mail": 0.04,
                  "email": 0.05, "fax": 0.01, "feedback": 0.01}
RECORD_PREFIX = {"telephone": "T", "in_person": "W", "online": "O", "mail": "M", "email": "E",
                 "fax": "X", "feedback": "F"}
# Volume by weekday (Monday first) and by month (January first).
WEEKDAY_VOLUME = np.array([1.30, 1.10, 1.00, 1.00, 0.90, 0.55, 0.35])
MONTH_VOLUME = {
    "telephone": [1.10, 1.05, 1.00, 1.00, 1.00, 0.95, 0.90, 0.90, 1.00, 1.00, 1.05, 1.05],
    "in_person": [0.90, 0.90, 0.95, 1.00, 1.05, 1.15, 1.20, 1.15, 1.00, 0.95, 0.90, 0.80],
    "online": [0.95, 0.95, 1.00, 1.05, 1.10, 1.15, 1.15, 1.10, 1.00, 0.95, 0.90, 0.85],
}
SUMMER = (5, 6, 7, 8)  # months when outdoor cards and licences sell three times as much
OUTDOOR = ("OC-FISH", "OC-CARD")

# service code -> weight, per channel
SERVICE_MIX = {
    "telephone": {"IR-LINE": 45, "HC-ADDR": 15, "OC-FISH": 8, "MH-ASSIST": 10, "ML-CLAIM": 12,
                  "ML-INSPECT": 10},
    "in_person": {"HC-REG": 15, "HC-RENEW": 20, "DL-RENEW": 20, "VP-STICKER": 12, "DL-ADDR": 8,
                  "VS-BIRTH": 8, "OC-FISH": 6, "OC-CARD": 8},
    "online": {"HC-RENEW": 10, "HC-ADDR": 6, "DL-RENEW": 12, "VP-STICKER": 18, "DL-ADDR": 5,
               "VS-BIRTH": 8, "VS-MARRIAGE": 3, "VS-DEATH": 2, "BR-REG": 5, "BR-ELICENCE": 6,
               "BR-RENEW": 4, "OC-FISH": 7, "OC-CARD": 5, "MT-PERMIT": 3, "ML-CLAIM": 2,
               "ML-INSPECT": 2},
    "mail": {"IR-MAIL": 40, "VS-BIRTH": 15, "VS-MARRIAGE": 5, "VS-DEATH": 5, "BR-REG": 10,
             "BR-RENEW": 10, "MH-ASSIST": 10, "ML-CLAIM": 5},
    "email": {"IR-MAIL": 80, "HC-ADDR": 10, "ML-CLAIM": 10},
    "fax": {"IR-MAIL": 50, "MT-PERMIT": 30, "MH-ASSIST": 20},
    "feedback": {"DL-RENEW": 30, "HC-RENEW": 25, "IR-LINE": 25, "VS-BIRTH": 20},
}
QUEUES = {"IR-LINE": "general", "HC-ADDR": "health", "MH-ASSIST": "health", "OC-FISH": "outdoors",
          "ML-CLAIM": "labour", "ML-INSPECT": "labour"}
# Categorical columns are drawn as indexes into these vocabularies (fast), then taken as text.
SERVICES = tuple(s[1] for s in c.SERVICES)
ORGS = (NORTH, LAKE, CONTACT, CENTRAL, *sorted({s[0] for s in c.SERVICES} - {CENTRAL}))
OWNER = np.array([ORGS.index(s[0]) for s in c.SERVICES])  # service index -> organization index
FEE = np.array([float(s[6]) if s[6] is not None else np.nan for s in c.SERVICES])
QUEUE = np.array([QUEUES.get(code) for code in SERVICES], dtype=object)
# Online services completed on the spot (the standard is met in minutes).
INSTANT = ("VP-STICKER", "OC-FISH", "OC-CARD", "HC-ADDR", "DL-ADDR")
MAILED = ("VS-BIRTH", "VS-MARRIAGE", "VS-DEATH", "DL-RENEW", "HC-RENEW")  # a card or paper follows
TIERED = {"BR-ELICENCE": 0.15, "VS-BIRTH": 0.10}  # share of premium-tier requests


@dataclass(frozen=True)
class Window:
    """The local dates records start on, and the instant nothing may happen after."""

    first: dt.date
    last: dt.date
    end: dt.datetime

    @classmethod
    def ending(cls, end: dt.datetime, days: int = 365) -> Window:
        """The `days` whole local days before the day of `end` (so no record starts after it)."""
        if end.tzinfo is None:
            raise ValueError("the end instant needs a time zone")
        last = end.astimezone(ZoneInfo(ZONE)).date() - dt.timedelta(days=1)
        return cls(last - dt.timedelta(days=days - 1), last, end)

    @property
    def labour_week(self) -> dt.date:
        """The Monday of the labour disruption week, about five months before the end."""
        day = self.last - dt.timedelta(days=150)
        return day - dt.timedelta(days=day.weekday())


class _Clock:
    """One organization's calendar as arrays: days, business days, open intervals."""

    MARGIN = 90  # days past the window, for stop events a few weeks later

    def __init__(self, cal: workdays.Calendar, window: Window):
        first, last = window.first, window.last + dt.timedelta(days=self.MARGIN)
        table = workdays.calendar_table_columns(cal, first, last)
        self.first = np.datetime64(first, "D")
        self.days = np.array(table["date"], dtype="datetime64[D]")
        self.open_seconds = np.array(table["open_seconds"], dtype=np.int64)
        self.business = np.array(table["is_business_day"], dtype=bool)
        self.business_days = self.days[self.business]
        intervals = workdays.open_interval_table_columns(cal, first, last)
        self.starts = np.array([int(t.timestamp()) for t in intervals["start"]], dtype=np.int64)
        self.ends = np.array([int(t.timestamp()) for t in intervals["end"]], dtype=np.int64)
        self.before = np.array(intervals["open_seconds_before"], dtype=np.int64)
        day_of = (np.array(intervals["date"], dtype="datetime64[D]") - self.first).astype(np.int64)
        self.day_before = np.zeros(len(self.days), dtype=np.int64)  # open seconds before each day
        self.day_close = np.zeros(len(self.days), dtype=np.int64)
        if len(day_of):
            firsts = np.unique(day_of, return_index=True)
            self.day_before[firsts[0]] = self.before[firsts[1]]
            self.day_close[day_of] = self.ends  # the last interval of a day wins
        self.zone = cal.timezone

    def in_hours(self, day: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Epoch seconds at fraction u of each day's open time (days must be open)."""
        target = self.day_before[day] + (u * self.open_seconds[day]).astype(np.int64)
        j = np.clip(np.searchsorted(self.before, target, side="right") - 1, 0, len(self.before) - 1)
        return self.starts[j] + (target - self.before[j])

    def after_business_days(self, day: np.ndarray, lag: np.ndarray) -> np.ndarray:
        """The day index of the business day `lag` business days after each day."""
        ordinal = np.searchsorted(self.business_days, self.first + day, side="left")
        index = np.minimum(ordinal + lag, len(self.business_days) - 1)
        return (self.business_days[index] - self.first).astype(np.int64)

    def local(self, day: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        """Epoch seconds of local wall-clock times (seconds after each day's midnight)."""
        naive = (self.first + day).astype("datetime64[s]") + seconds.astype("timedelta64[s]")
        aware = pc.assume_timezone(pa.array(naive), timezone=self.zone, ambiguous="earliest",
                                   nonexistent="latest")
        return aware.cast(pa.int64()).to_numpy()

    def weekdays(self, day: np.ndarray) -> np.ndarray:
        return ((self.first + day).astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday

    def months(self, day: np.ndarray) -> np.ndarray:
        return (self.first + day).astype("datetime64[M]").astype(np.int64) % 12 + 1


class _Generator:
    """Draws the records of one channel at a time from one seeded random stream.

    Organizations and services are drawn as indexes into ORGS and SERVICES and only become text
    when the table is built (numpy string arrays are slow)."""

    def __init__(self, window: Window, calendars: Mapping[str, workdays.Calendar], seed: int):
        self.window = window
        self.rng = np.random.default_rng(seed)
        self.ndays = (window.last - window.first).days + 1
        default = workdays.Calendar("Province of Example")
        self.clocks = [_Clock(calendars.get(code, default), window) for code in ORGS]
        self.end = int(window.end.timestamp())
        week = (window.labour_week - window.first).days
        self.labour = (week, week + 7)  # day indexes [from, to)
        self.disrupted_orgs = np.array([ORGS.index(code) for code in DISRUPTED])

    def clock(self, code: str) -> _Clock:
        return self.clocks[ORGS.index(code)]

    # ---- volume -------------------------------------------------------------------------

    def days(self, n: int, org: str, shape: str, *, open_only: bool) -> np.ndarray:
        """n day indexes drawn by weekday, month and closures (sorted)."""
        if n <= 0:
            return np.zeros(0, dtype=np.int64)
        clock = self.clock(org)
        day = np.arange(self.ndays)
        weight = WEEKDAY_VOLUME[clock.weekdays(day)] * np.array(MONTH_VOLUME[shape])[clock.months(day) - 1]
        if open_only:
            weight = weight * (clock.open_seconds[:self.ndays] > 0)
        else:
            weight = weight * np.where(clock.business[:self.ndays], 1.0, 0.6)
        if org in DISRUPTED:
            weight[self.labour[0]:self.labour[1]] *= 0.6
        counts = self.rng.multinomial(n, weight / weight.sum())
        return np.repeat(day, counts)

    def days_at(self, n: int, orgs: tuple[str, ...], shares: list[float],
                shape: str) -> tuple[np.ndarray, np.ndarray]:
        """(day, organization index) of n records at offices open on those days."""
        counts = self.rng.multinomial(n, shares)
        days = [self.days(k, code, shape, open_only=True) for code, k in zip(orgs, counts, strict=True)]
        org = np.repeat(np.array([ORGS.index(code) for code in orgs]), counts)
        return np.concatenate(days), org

    def services(self, channel: str, months: np.ndarray) -> np.ndarray:
        """A service index per record, by the channel's mix (outdoor cards peak in summer)."""
        mix = SERVICE_MIX[channel]
        index = np.array([SERVICES.index(code) for code in mix])
        base = np.array(list(mix.values()), dtype=float)
        outdoor = np.isin(list(mix), OUTDOOR)
        table = np.empty((13, len(index)))
        for month in range(1, 13):
            weights = base * np.where(outdoor & (month in SUMMER), 3.0, 1.0)
            table[month] = np.cumsum(weights / weights.sum())
        u = self.rng.random(len(months))
        pick = np.zeros(len(months), dtype=np.int64)
        for column in range(len(index) - 1):
            pick += u > table[months, column]
        return index[pick]

    def disrupted(self, day: np.ndarray, org: np.ndarray) -> np.ndarray:
        return (day >= self.labour[0]) & (day < self.labour[1]) & np.isin(org, self.disrupted_orgs)

    # ---- helpers ------------------------------------------------------------------------

    def lags(self, p_met, met: list[float], missed: tuple[int, int], n: int) -> np.ndarray:
        """Whole lags: within the threshold (weights over 0..len(met)-1) with probability p_met,
        else uniform over missed=(low, high)."""
        ok = self.rng.random(n) < p_met
        weights = np.asarray(met, dtype=float)
        inside = self.rng.choice(len(weights), size=n, p=weights / weights.sum())
        outside = self.rng.integers(missed[0], missed[1] + 1, size=n)
        return np.where(ok, inside, outside)

    def by_org(self, org: np.ndarray, fn) -> np.ndarray:
        """fn(clock, mask) evaluated per organization, gathered into one array."""
        out = np.zeros(len(org), dtype=np.int64)
        for index in np.unique(org):
            mask = org == index
            out[mask] = fn(self.clocks[index], mask)
        return out

    def stop(self, org: np.ndarray, day: np.ndarray, lag: np.ndarray, after: np.ndarray) -> np.ndarray:
        """An instant in the organization's open hours `lag` business days after `day`, never
        before `after` (plus a few minutes)."""
        u = self.rng.beta(1.6, 2.0, len(day))

        def at(clock: _Clock, m: np.ndarray) -> np.ndarray:
            return clock.in_hours(clock.after_business_days(day[m], lag[m]), u[m])

        return np.maximum(self.by_org(org, at), after + self.rng.integers(300, 5400, len(day)))

    def close_after(self, org: np.ndarray, day: np.ndarray, lag) -> np.ndarray:
        """The closing instant of the business day `lag` business days after `day`."""
        lag = np.broadcast_to(lag, day.shape)
        return self.by_org(org, lambda clock, m: clock.day_close[
            clock.after_business_days(day[m], lag[m])])

    def ids(self, channel: str, n: int) -> pa.Array:
        number = pa.array(np.arange(1, n + 1, dtype=np.int64)).cast(pa.string())
        return pc.binary_join_element_wise(RECORD_PREFIX[channel], pc.utf8_lpad(number, 7, "0"), "")

    def table(self, channel: str, day: np.ndarray, columns: dict) -> pa.Table:
        """The channel's records in the stored schema; instants after the end become null."""
        n = len(day)
        arrays = {"source": pa.repeat(pa.scalar(SOURCE), n) if n else pa.array([], pa.string()),
                  "record_id": self.ids(channel, n),
                  "channel": pa.repeat(pa.scalar(channel), n) if n else pa.array([], pa.string())}
        for name, values in columns.items():
            if name.endswith("_at"):
                values = np.asarray(values, dtype=np.int64)
                missing = (values <= 0) | (values > self.end)
                arrays[name] = pa.array(values * 1_000_000, pa.int64(), mask=missing).cast(TIMESTAMP)
            else:
                arrays[name] = values if isinstance(values, pa.Array) else pa.array(values)
        out = []
        for field in SCHEMA:
            if field.name in arrays:
                column = arrays[field.name]
                out.append(column if column.type == field.type else column.cast(field.type))
            else:
                out.append(pa.nulls(n, field.type))
        return pa.Table.from_arrays(out, schema=SCHEMA)

    def exclusions(self, flag: np.ndarray) -> pa.Array:
        return _text((LABOUR_DISRUPTION,), np.zeros(len(flag), dtype=np.int64), valid=flag)

    # ---- channels -----------------------------------------------------------------------

    def telephone(self, n: int) -> pa.Table:
        rng = self.rng
        clock = self.clock(CONTACT)
        day = self.days(n, CONTACT, "telephone", open_only=True)
        n = len(day)
        month, weekday = clock.months(day), clock.weekdays(day)
        org = np.full(n, ORGS.index(CONTACT))
        out = self.disrupted(day, org)
        winter = np.isin(month, (12, 1, 2))
        started = clock.in_hours(day, rng.beta(1.8, 2.6, n))
        service = self.services("telephone", month)
        # Winter (December to February) dips just under the 80% target; Mondays are busier.
        p_met = np.select([winter, np.isin(month, (11, 3))], [0.775, 0.80], 0.845)
        p_met = np.where(out, 0.35, p_met - np.where(weekday == 0, 0.03, 0))
        rings = 1 + self.lags(p_met, [0.45, 0.35, 0.20], (3, 14), n)
        # Callers who wait longer hang up or ask to be called back more often.
        outcome = rng.random(n)
        long = rings > 3
        abandon = outcome < np.where(long, np.where(winter, 0.30, 0.25), 0.01)
        callback = ~abandon & (outcome < np.where(long, np.where(winter, 0.50, 0.42), 0.01))
        answered = ~abandon & ~callback
        wait = np.maximum(rings * 6 - rng.integers(0, 6, n), 0)
        requested = np.where(callback, started + wait + 20, 0)
        returned = self.stop(org, day, self.lags(0.86, [0.55, 0.45], (2, 4), n), requested)
        return self.table("telephone", day, {
            "organization": _text(ORGS, org), "service": _text(SERVICES, service),
            "queue": _text(QUEUE, service),
            "rings": rings.astype(np.int32),
            "wait_seconds": pa.array(wait, pa.int64(), mask=~answered),
            "person_offered": rng.random(n) < 0.97,
            "redirects": rng.choice(4, size=n, p=[0.74, 0.21, 0.04, 0.01]).astype(np.int32),
            "exclusion_reason": self.exclusions(out),
            "call_started_at": started,
            "answered_at": np.where(answered, started + wait, 0),
            "abandoned_at": np.where(abandon, started + wait + rng.integers(0, 6, n), 0),
            "callback_requested_at": requested,
            "callback_returned_at": np.where(callback, returned, 0),
        })

    def walk_in(self, n: int) -> pa.Table:
        rng = self.rng
        day, org = self.days_at(n, OFFICES, [0.52, 0.48], "in_person")
        n = len(day)
        u = rng.beta(1.6, 2.2, n)
        arrived = self.by_org(org, lambda clock, m: clock.in_hours(day[m], u[m]))
        month, weekday = self.clocks[0].months(day), self.clocks[0].weekdays(day)
        out = self.disrupted(day, org)
        lake = org == ORGS.index(LAKE)
        # Lakeside misses its 20-minute standard, worse on Mondays and in summer.
        p_met = np.where(lake, 0.70, 0.885)
        p_met = p_met - np.where(weekday == 0, 0.05, 0) - np.where(np.isin(month, SUMMER), 0.03, 0)
        p_met = np.where(out, 0.3, p_met)
        met = rng.random(n) < p_met
        wait = np.where(met, (rng.beta(1.5, 2.2, n) * 1199).astype(np.int64),
                        1201 + rng.exponential(600, n).astype(np.int64))
        return self.table("in_person", day, {
            "organization": _text(ORGS, org),
            "service": _text(SERVICES, self.services("in_person", month)),
            "queue": _text(("walk-in", "appointments"), (rng.random(n) < 0.3).astype(np.int64)),
            "wait_told": rng.random(n) < np.where(lake, 0.72, 0.93),
            "exclusion_reason": self.exclusions(out),
            "arrived_at": arrived, "served_at": arrived + wait,
        })

    def online(self, n: int) -> pa.Table:
        rng = self.rng
        central = self.clock(CENTRAL)
        day = self.days(n, CENTRAL, "online", open_only=False)
        n = len(day)
        month = central.months(day)
        service = self.services("online", month)
        org = OWNER[service]
        code = np.array(SERVICES)[service]  # a few hundred thousand short strings: fine for isin
        hour = np.clip(rng.normal(13.5, 4.0, n), 0, 23.99)
        submitted = central.local(day, (hour * 3600).astype(np.int64))
        elicence = code == "BR-ELICENCE"
        tiered = np.isin(code, list(TIERED))
        premium = rng.random(n) < np.select([elicence, code == "VS-BIRTH"],
                                            [TIERED["BR-ELICENCE"], TIERED["VS-BIRTH"]], 0)
        # Five business days, met nine times in ten; birth certificates lag in summer.
        p_met = np.where((code == "VS-BIRTH") & np.isin(month, SUMMER), 0.82, 0.935)
        lag = self.lags(p_met, [0.05, 0.17, 0.22, 0.22, 0.18, 0.16], (6, 14), n)
        # The licence guarantee: 2 business days, met about 96% of the time.
        guarantee_lag = self.lags(np.where(premium, 0.99, 0.955), [0.35, 0.45, 0.20], (3, 6), n)
        lag = np.where(elicence, guarantee_lag, np.where(premium, np.minimum(lag, 2), lag))
        completed = self.stop(org, day, lag, submitted)
        completed = np.where(np.isin(code, INSTANT), submitted + rng.integers(5, 900, n), completed)
        delivered = np.where(np.isin(code, MAILED), completed + rng.integers(86_400, 5 * 86_400, n), 0)
        due_lag = np.where(code == "MT-PERMIT", 3, np.where(premium, 2, -1))
        due = self.close_after(org, day, np.maximum(due_lag, 0))
        fee = FEE[service] * np.where(premium, 1.5, 1.0)
        return self.table("online", day, {
            "organization": _text(ORGS, org), "service": _text(SERVICES, service),
            "tier": _text(("regular", "premium"), premium.astype(np.int64), valid=tiered),
            "fee_paid": pa.array(np.round(np.nan_to_num(fee), 2), mask=np.isnan(fee))
            .cast(pa.decimal128(12, 2)),
            "guarantee_eligible": pa.array(elicence, mask=~elicence),
            "submitted_at": submitted, "completed_at": completed, "delivered_at": delivered,
            "due_at": np.where(due_lag >= 0, due, 0),
        })

    def correspondence(self, channel: str, n: int) -> pa.Table:
        rng = self.rng
        clock = self.clock(CONTACT)
        anytime = channel != "mail"  # letters are opened on business days; e-mail comes any time
        day = self.days(n, CONTACT, "telephone", open_only=not anytime)
        n = len(day)
        month = clock.months(day)
        service = self.services(channel, month)
        # Written enquiries to Service Example go to its contact centre; ministries answer theirs.
        org = np.where(OWNER[service] == ORGS.index(CENTRAL), ORGS.index(CONTACT), OWNER[service])
        if anytime:
            received = clock.local(day, (np.clip(rng.normal(13, 4.5, n), 0, 23.99) * 3600).astype(np.int64))
        else:
            received = clock.in_hours(day, rng.beta(1.2, 2.5, n))
        out = self.disrupted(day, org)
        p_response = np.where(out, 0.5, np.where(np.isin(month, (12, 1)), 0.83, 0.885))
        reply_lag = self.lags(p_response, [1, 3, 5, 7, 8, 9, 9, 9, 9, 8, 8, 7, 6, 5, 3, 3], (16, 30), n)
        ack_lag = np.minimum(self.lags(0.84, [10, 25, 25, 20, 12, 8], (6, 10), n), reply_lag)
        responded = self.stop(org, day, reply_lag, received)
        acknowledged = np.minimum(self.stop(org, day, ack_lag, received), responded)
        if channel == "email":  # an automatic reply acknowledges every e-mail
            acknowledged = received + rng.integers(5, 120, n)
        due = self.close_after(org, day, 10)
        return self.table(channel, day, {
            "organization": _text(ORGS, org), "service": _text(SERVICES, service),
            "exclusion_reason": self.exclusions(out),
            "received_at": received, "acknowledged_at": acknowledged, "responded_at": responded,
            "due_at": np.where(service == SERVICES.index("VS-BIRTH"), due, 0),
        })

    def feedback(self, n: int) -> pa.Table:
        rng = self.rng
        day, org = self.days_at(n, (NORTH, LAKE, CONTACT), [0.33, 0.42, 0.25], "in_person")
        n = len(day)
        month = self.clocks[0].months(day)
        u = rng.random(n)
        received = self.by_org(org, lambda clock, m: clock.in_hours(day[m], u[m]))
        out = self.disrupted(day, org)
        ack_lag = self.lags(np.where(org == ORGS.index(LAKE), 0.83, 0.92), [50, 35, 15], (3, 6), n)
        follow_lag = np.maximum(self.lags(0.86, [1] * 16, (16, 25), n), ack_lag)
        resolve_lag = follow_lag + rng.integers(0, 8, n)
        acknowledged = self.stop(org, day, ack_lag, received)
        followed = np.maximum(self.stop(org, day, follow_lag, received), acknowledged)
        resolved = np.maximum(self.stop(org, day, resolve_lag, received), followed)
        kinds = ("complaint", "compliment", "suggestion")
        return self.table("feedback", day, {
            "organization": _text(ORGS, org),
            "service": _text(SERVICES, self.services("feedback", month)),
            "queue": _text(kinds, rng.choice(3, size=n, p=[0.7, 0.2, 0.1])),
            "exclusion_reason": self.exclusions(out),
            "received_at": received, "acknowledged_at": acknowledged, "followed_up_at": followed,
            "resolved_at": resolved, "due_at": self.close_after(org, day, 15),
        })


def _text(names, index: np.ndarray, *, valid: np.ndarray | None = None) -> pa.Array:
    """Strings taken from a vocabulary by index (null where not valid or the name is None)."""
    taken = pa.array(list(names), pa.string()).take(pa.array(index))
    if valid is None:
        return taken
    return pc.if_else(pa.array(valid), taken, pa.scalar(None, pa.string()))


def channel_counts(rows: int) -> dict[str, int]:
    """How many of `rows` records each channel gets (the largest channel takes the rounding)."""
    counts = {ch: int(rows * share) for ch, share in CHANNEL_SHARES.items()}
    counts["telephone"] += rows - sum(counts.values())
    return counts


def demo_records(rows: int = DEFAULT_ROWS, *, end: dt.datetime, seed: int = DEFAULT_SEED,
                 calendars: Mapping[str, workdays.Calendar] | None = None) -> Iterator[pa.Table]:
    """The demo's records, one table per channel in the stored schema, `rows` in all.

    `calendars` maps organization codes to their business calendars (an organization not given
    uses the Ontario government defaults); records start in the 365 local days before `end`'s.
    """
    gen = _Generator(Window.ending(end), calendars or {}, seed)
    counts = channel_counts(rows)
    yield gen.telephone(counts["telephone"])
    yield gen.walk_in(counts["in_person"])
    yield gen.online(counts["online"])
    for channel in ("mail", "email", "fax"):
        yield gen.correspondence(channel, counts[channel])
    yield gen.feedback(counts["feedback"])


def demo_records_write(path: Path, rows: int = DEFAULT_ROWS, *, end: dt.datetime,
                       seed: int = DEFAULT_SEED,
                       calendars: Mapping[str, workdays.Calendar] | None = None) -> int:
    """Write the demo's records to one Parquet file; return how many."""
    written = 0
    with pq.ParquetWriter(path, SCHEMA, compression="zstd", compression_level=1) as writer:
        for table in demo_records(rows, end=end, seed=seed, calendars=calendars):
            writer.write_table(table, row_group_size=256 * 1024)
            written += table.num_rows
    return written


__all__ = ["DEFAULT_ROWS", "DEFAULT_SEED", "LABOUR_DISRUPTION", "SOURCE", "Window",
           "channel_counts", "demo_records", "demo_records_write"]
