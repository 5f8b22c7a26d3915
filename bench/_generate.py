"""Interaction records at scale for the benchmarks, written straight into the store's layout.

Four kinds of record, one for each Common Service Standard the benchmark measures: calls
(answered by the third ring), letters (answered within 15 business days), walk-in visits (served
within 20 minutes) and feedback (acknowledged within 2 business days), over the fiscal year
April 2025 to March 2026 at twenty offices. Generation is vectorized numpy and pyarrow, in
chunks of at most CHUNK_ROWS rows appended to one Parquet file per (channel, month) in the
store's layout (`channel=<c>/month=<yyyy-mm>/part-<uuid>.parquet`, its schema and options), so
memory stays bounded whatever the number of rows.

The same seed and row count give the same records.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from outsidein.interactions.schema import TIMESTAMP, record_schema

SCHEMA = record_schema()
SOURCE = "bench"
IMPORT_ID = 1
ZONE = "America/Toronto"
FIRST = dt.date(2025, 4, 1)  # a fiscal year: April 2025 to March 2026
MONTHS = 12
OFFICES = tuple(f"bench-{i:02d}" for i in range(1, 21))
CHUNK_ROWS = 1_000_000
EXCLUDED_SHARE = 0.01
LABOUR_DISRUPTION = "labour disruption"

# channel -> (share of records, record id prefix)
CHANNELS = {"telephone": (0.40, "T"), "in_person": (0.30, "W"), "mail": (0.20, "M"),
            "feedback": (0.10, "F")}
# More on Mondays, less on Fridays; weekends only for feedback (forms come in any day).
WEEKDAY_VOLUME = np.array([1.3, 1.1, 1.0, 1.0, 0.9, 0.4, 0.3])
OPEN, CLOSE = 8 * 3600 + 1800, 17 * 3600  # 8:30 to 17:00 local


@dataclass(frozen=True)
class Calendar:
    """What the generator needs of the offices' business calendar: its holidays and zone."""

    holidays: np.ndarray  # datetime64[D]
    zone: str = ZONE

    def is_business(self, days: np.ndarray) -> np.ndarray:
        return np.is_busday(days, weekmask="1111100", holidays=self.holidays)

    def add_business_days(self, days: np.ndarray, lag: np.ndarray) -> np.ndarray:
        return np.busday_offset(days, lag, roll="forward", weekmask="1111100",
                                holidays=self.holidays)


def ontario_holidays(first: dt.date = FIRST, last: dt.date | None = None) -> np.ndarray:
    """The Province of Example's holidays (Ontario, with Civic Holiday and Easter Monday)."""
    from outsidein import workdays

    last = last or dt.date(first.year + 2, 12, 31)
    cal = bench_calendar()
    return np.array(sorted(workdays.holidays_between(cal, first, last)), dtype="datetime64[D]")


def bench_calendar():
    """The benchmark organization's calendar as a pure workdays.Calendar."""
    from outsidein import workdays

    policy = workdays.HolidayPolicy(country="CA", subdivision="ON", observe_substitute_days=True,
                                    optional_holidays=frozenset({"civic_holiday", "easter_monday"}))
    hours = workdays.WeeklyHours({d: (workdays.TimeSlot(dt.time(8, 30), dt.time(17, 0)),)
                                  for d in range(5)})
    return workdays.Calendar("Bench", timezone=ZONE, hours=(hours,), holiday_policy=policy)


def plan(rows: int) -> list[tuple[str, int, int]]:
    """(channel, month index, rows) of every partition, in writing order."""
    months = _month_starts()
    days_in = np.diff(months).astype(int)
    chunks = []
    counts = {ch: int(rows * share) for ch, (share, _p) in CHANNELS.items()}
    counts["telephone"] += rows - sum(counts.values())
    for channel, total in counts.items():
        per_month = np.floor(total * days_in / days_in.sum()).astype(int)
        per_month[0] += total - per_month.sum()
        chunks += [(channel, month, int(n)) for month, n in enumerate(per_month) if n]
    return chunks


def _pieces(n: int) -> list[int]:
    """Sizes of the chunks a partition of n rows is generated in."""
    return [min(CHUNK_ROWS, n - start) for start in range(0, n, CHUNK_ROWS)]


def _month_starts() -> np.ndarray:
    first = np.datetime64(FIRST, "M")
    return (first + np.arange(MONTHS + 1)).astype("datetime64[D]")


class _Offsets:
    """UTC offset (seconds) of each local date in the zone, at noon (exact in office hours)."""

    def __init__(self, zone: str, first: np.datetime64, days: int):
        tz = ZoneInfo(zone)
        self.first = first
        start = first.astype(dt.date)
        self.seconds = np.array([
            int(dt.datetime.combine(start + dt.timedelta(days=i), dt.time(12), tz)
                .utcoffset().total_seconds()) for i in range(days)], dtype=np.int64)

    def utc(self, days: np.ndarray, local_seconds: np.ndarray) -> np.ndarray:
        """Epoch seconds of local times (seconds after each local midnight)."""
        index = (days - self.first).astype(np.int64)
        return days.astype("datetime64[s]").astype(np.int64) + local_seconds - self.seconds[index]


def records(channel: str, month: int, n: int, *, cal: Calendar, offsets: _Offsets,
            rng: np.random.Generator, first_id: int) -> pa.Table:
    """n records of one channel starting in one month, in the stored schema."""
    months = _month_starts()
    days = np.arange(months[month], months[month + 1], dtype="datetime64[D]")
    weight = WEEKDAY_VOLUME[(days.astype(np.int64) + 3) % 7]
    if channel != "feedback":
        weight = weight * cal.is_business(days)
    day = days[np.repeat(np.arange(len(days)), rng.multinomial(n, weight / weight.sum()))]
    if channel == "feedback":
        start_local = rng.integers(0, 86_400, n)
    else:
        start_local = OPEN + (rng.beta(1.6, 2.2, n) * (CLOSE - OPEN)).astype(np.int64)
    start = offsets.utc(day, start_local)
    columns: dict[str, pa.Array] = {}
    if channel == "telephone":
        rings = np.where(rng.random(n) < 0.82, rng.integers(1, 4, n), rng.integers(4, 16, n))
        gone = rng.random(n) < 0.04
        columns["rings"] = pa.array(rings.astype(np.int32))
        columns["call_started_at"] = _instants(start)
        columns["answered_at"] = _instants(start + rings * 6, mask=gone)
        columns["abandoned_at"] = _instants(start + rings * 6, mask=~gone)
    elif channel == "in_person":
        wait = np.where(rng.random(n) < 0.80, rng.integers(0, 1201, n), rng.integers(1201, 3601, n))
        columns["arrived_at"] = _instants(start)
        columns["served_at"] = _instants(start + wait)
    else:
        # Letters are answered within 15 business days 85% of the time; feedback acknowledged
        # within 2 business days 85% of the time. A few are still open.
        threshold = 15 if channel == "mail" else 2
        lag = np.where(rng.random(n) < 0.85, rng.integers(0, threshold + 1, n),
                       rng.integers(threshold + 1, threshold + 10, n))
        stop_day = cal.add_business_days(day, lag)
        stop_local = OPEN + (rng.random(n) * (CLOSE - OPEN)).astype(np.int64)
        stop = np.maximum(offsets.utc(stop_day, stop_local), start + 600)
        still_open = rng.random(n) < 0.01
        columns["received_at"] = _instants(start)
        if channel == "mail":
            ack = offsets.utc(cal.add_business_days(day, np.minimum(lag, rng.integers(0, 4, n))),
                              stop_local)
            columns["acknowledged_at"] = _instants(np.minimum(np.maximum(ack, start + 300), stop))
            columns["responded_at"] = _instants(stop, mask=still_open)
        else:
            columns["acknowledged_at"] = _instants(stop, mask=still_open)
    excluded = rng.random(n) < EXCLUDED_SHARE
    office = rng.integers(0, len(OFFICES), n).astype(np.int32)
    prefix = CHANNELS[channel][1]
    number = pa.array(np.arange(first_id, first_id + n, dtype=np.int64)).cast(pa.string())
    base = {
        "source": pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), [SOURCE]),
        "record_id": pc.binary_join_element_wise(prefix, number, ""),
        "import_id": pa.array(np.full(n, IMPORT_ID, dtype=np.int64)),
        "channel": pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), [channel]),
        "organization": pa.DictionaryArray.from_arrays(pa.array(office), list(OFFICES)),
        "exclusion_reason": pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(n, np.int32), mask=~excluded), [LABOUR_DISRUPTION]),
    }
    return _table({**base, **columns}, n)


def _instants(seconds: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(seconds * 1_000_000, pa.int64(), mask=mask).cast(TIMESTAMP)


def _write_schema() -> pa.Schema:
    from outsidein.warehouse import store

    return getattr(store, "WRITE_SCHEMA", store.SCHEMA)


def _table(columns: dict[str, pa.Array], n: int) -> pa.Table:
    schema = _write_schema()
    arrays = []
    for field in schema:
        column = columns.get(field.name)
        if column is None:
            arrays.append(pa.nulls(n, field.type))
        else:
            arrays.append(column if column.type == field.type else column.cast(field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def write_store(root: Path, rows: int, *, seed: int = 1,
                holidays: np.ndarray | None = None) -> Iterator[tuple[str, int, int]]:
    """Write `rows` records into a store's layout under root, one file per (channel, month);
    yields (channel, month, rows) as each partition is done. A thread writes one chunk while
    the next is generated (both release the GIL for most of their work), so at most two chunks
    of CHUNK_ROWS rows are in memory."""
    from outsidein.warehouse import store

    cal = Calendar(holidays if holidays is not None else ontario_holidays())
    months = _month_starts()
    offsets = _Offsets(ZONE, months[0], int((months[-1] - months[0]).astype(int)) + 120)
    rng = np.random.default_rng(seed)
    next_id = dict.fromkeys(CHANNELS, 1)
    partitions = []
    with ThreadPoolExecutor(max_workers=1) as pool:
        for channel, month, n in plan(rows):
            partition = f"channel={channel}/month={months[month].astype('datetime64[M]')}"
            folder = root / partition
            folder.mkdir(parents=True, exist_ok=True)
            writer = pq.ParquetWriter(folder / f"part-{uuid.uuid4().hex}.parquet",
                                      _write_schema(), **store.PARQUET_OPTIONS)
            pending = None
            for size in _pieces(n):
                table = records(channel, month, size, cal=cal, offsets=offsets, rng=rng,
                                first_id=next_id[channel])
                next_id[channel] += size
                if pending is not None:
                    pending.result()
                pending = pool.submit(writer.write_table, table, store.ROW_GROUP_ROWS)
                del table
            pending.result()
            writer.close()
            partitions.append(partition)
            yield channel, month, n
    manifest = root / "_imports" / f"{IMPORT_ID}.json"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps({"import_id": IMPORT_ID, "partitions": sorted(partitions)}))


def csv_batches(rows: int, *, seed: int = 2, holidays: np.ndarray | None = None
                ) -> Iterator[pa.Table]:
    """The same kinds of record as text, the way a source system exports them: local times
    without an offset, yes/no as Y/N, blank where a field does not apply."""
    cal = Calendar(holidays if holidays is not None else ontario_holidays())
    months = _month_starts()
    offsets = _Offsets(ZONE, months[0], int((months[-1] - months[0]).astype(int)) + 120)
    rng = np.random.default_rng(seed)
    next_id = dict.fromkeys(CHANNELS, 1)
    keep = ["record_id", "channel", "organization", "exclusion_reason", "rings",
            "call_started_at", "answered_at", "abandoned_at", "arrived_at", "served_at",
            "received_at", "acknowledged_at", "responded_at"]
    for channel, month, n in plan(rows):
        for size in _pieces(n):
            table = records(channel, month, size, cal=cal, offsets=offsets, rng=rng,
                            first_id=next_id[channel])
            next_id[channel] += size
            out = {}
            for name in keep:
                column = table[name]
                if pa.types.is_dictionary(column.type):
                    column = column.cast(pa.string())
                elif pa.types.is_timestamp(column.type):
                    column = pc.local_timestamp(column.cast(pa.timestamp("s", tz=ZONE)))
                out[name] = column
            yield pa.table(out)
