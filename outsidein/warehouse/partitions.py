"""The interaction store's partitions: the schema and Parquet options records are written
with, and which (channel, month) partition each record belongs to (its channel's start event in
UTC, see `START_EVENTS`). Pure functions over Arrow tables; `sessions` decides when.
"""

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from outsidein.warehouse.schema import (
    CATEGORIES,
    CHANNELS,
    EVENTS,
    START_EVENTS,
    record_schema,
)

SCHEMA = record_schema()
# As written: text with few distinct values is dictionary-encoded (cheaper to write, smaller);
# files do not store the Arrow schema, so every reader sees plain strings (SCHEMA).
WRITE_SCHEMA = pa.schema([
    pa.field(f.name, pa.dictionary(pa.int32(), pa.string()), f.nullable)
    if f.name in CATEGORIES else f for f in SCHEMA])
KEY = ("source", "record_id")
# Row groups of this size keep DuckDB's zone maps useful and each write's memory small.
ROW_GROUP_ROWS = 256 * 1024
# Statistics where they let readers skip row groups: keys, import, and every event instant.
STATISTICS = ["source", "record_id", "import_id", "channel", "organization", "service",
              *(f"{e}_at" for e in EVENTS)]
# Snappy: read by every engine, and it writes faster than zstd (files about 1.6 times larger).
PARQUET_OPTIONS = {"compression": "snappy", "store_schema": False,
                   "use_dictionary": list(CATEGORIES), "write_statistics": STATISTICS}


class StoreError(Exception):
    """Records cannot be written as given (no channel, no event, unknown channel)."""


def conform(table: pa.Table, import_id: int | None) -> pa.Table:
    """The table as written: columns in order, missing ones null, import_id set (unless None:
    kept as it is)."""
    columns = []
    for field in WRITE_SCHEMA:
        if field.name == "import_id" and import_id is not None:
            columns.append(pa.array(np.full(table.num_rows, import_id, dtype=np.int64)))
        elif field.name in table.column_names:
            column = table[field.name]
            if column.type == field.type:
                columns.append(column)
            elif pa.types.is_dictionary(field.type):
                if not pa.types.is_dictionary(column.type):
                    column = pc.dictionary_encode(column.cast(pa.string()))
                columns.append(column.cast(field.type))
            else:
                columns.append(column.cast(field.type))
        else:
            columns.append(_nulls(field.type, table.num_rows))
    return pa.Table.from_arrays(columns, schema=WRITE_SCHEMA)


_NULLS: dict[pa.DataType, pa.Array] = {}


def _nulls(type_: pa.DataType, length: int) -> pa.Array:
    """An all-null array, sliced from one kept per type (no allocation per batch)."""
    cached = _NULLS.get(type_)
    if cached is None or len(cached) < length:
        cached = _NULLS[type_] = pa.nulls(max(length, ROW_GROUP_ROWS), type_)
    return cached.slice(0, length)


def channel_codes(channel) -> pa.Array:
    """Each row's channel as its position in CHANNELS (null when unknown)."""
    known = pa.array(CHANNELS)
    chunks = channel.chunks if isinstance(channel, pa.ChunkedArray) else [channel]
    codes = []
    for chunk in chunks:
        if pa.types.is_dictionary(chunk.type):
            codes.append(pc.take(pc.index_in(chunk.dictionary.cast(pa.string()), known),
                                 chunk.indices))
        else:
            codes.append(pc.index_in(chunk, known))
    return pa.chunked_array(codes, pa.int32()).combine_chunks()


def start_instants(table: pa.Table, codes: pa.Array | None = None) -> pa.Array:
    """Per row, the instant of its channel's start event (or its first event), in UTC;
    refuses rows with none."""
    codes = channel_codes(table["channel"]) if codes is None else codes
    present = set(table.column_names)
    start = _nulls(SCHEMA.field("call_started_at").type, table.num_rows)
    by_events: dict[tuple[str, ...], list[int]] = {}
    for name, events in START_EVENTS.items():
        by_events.setdefault(events, []).append(CHANNELS.index(name))
    found = set(pc.unique(codes).to_pylist())
    for events, names in by_events.items():
        columns = [table[f"{e}_at"] for e in events if f"{e}_at" in present]
        if not found & set(names) or all(c.null_count == len(c) for c in columns):
            continue
        first = pc.coalesce(*columns) if len(columns) > 1 else columns[0]
        if found <= set(names):
            start = first  # one kind of channel in the batch, the usual case
        else:
            start = pc.if_else(pc.is_in(codes, pa.array(names, pa.int32())), first, start)
    if start.null_count:
        start = pc.coalesce(start, *[table[f"{e}_at"] for e in EVENTS if f"{e}_at" in present])
    if start.null_count:
        raise StoreError(f"{start.null_count} record(s) have no event instant")
    return start.combine_chunks() if isinstance(start, pa.ChunkedArray) else start


def split_by_partition(table: pa.Table) -> Iterator[tuple[str, pa.Table]]:
    """(partition path, its rows) for each channel and month present in the table."""
    if table.num_rows == 0:
        return
    codes = channel_codes(table["channel"])
    if codes.null_count:
        raise StoreError("every record needs a channel, one of " + ", ".join(CHANNELS))
    micros = start_instants(table, codes).cast(pa.int64()).to_numpy()
    first, starts = _month_starts(int(micros.min()), int(micros.max()))
    months = np.searchsorted(starts, micros, side="right") - 1  # months after `first`
    channels = codes.to_numpy().astype(np.int64)
    span = len(starts)
    # One small number per (channel, month): a stable sort of 16-bit keys is a radix sort.
    keys = channels * span + months
    if int(keys.max()) < 2**16:
        keys = keys.astype(np.uint16)
    if (keys == keys[0]).all():
        yield _partition_name(int(keys[0]), span, int(first)), table
        return
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    table = table.take(pa.array(order))
    bounds = [0, *(np.flatnonzero(np.diff(ordered)) + 1).tolist(), len(ordered)]
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        yield _partition_name(int(ordered[lo]), span, int(first)), table.slice(lo, hi - lo)


def _month_starts(low: int, high: int) -> tuple[int, np.ndarray]:
    """The month (counted from January 1970) of instant `low` (µs, UTC), and the instants at
    which that month and each following one up to `high`'s begin."""
    day = dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=low)
    month = (day.year - 1970) * 12 + day.month - 1
    starts = []
    index = month
    while True:
        year, rest = divmod(index, 12)
        begins = dt.datetime(1970 + year, rest + 1, 1) - dt.datetime(1970, 1, 1)
        micros = begins // dt.timedelta(microseconds=1)
        if micros > high:
            break
        starts.append(micros)
        index += 1
    return month, np.array(starts, dtype=np.int64)


def _partition_name(key: int, span: int, first_month: int) -> str:
    """The folder of a (channel, month) key; months count from January 1970."""
    channel, offset = divmod(key, span)
    year, month = divmod(first_month + offset, 12)
    return f"channel={CHANNELS[channel]}/month={1970 + year:04d}-{month + 1:02d}"
