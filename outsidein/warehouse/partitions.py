"""The interaction store's files and partitions: the schema and Parquet options records are
written with, which (channel, month) partition each record belongs to (its channel's start
event in UTC, see `START_EVENTS`), the names staged files take when they go live or are set
aside, and the streaming copy that rewrites a partition's files with some rows dropped or kept.
Pure functions over Arrow tables and Parquet files; `store.InteractionStore` decides when.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from outsidein.interactions.schema import (
    CATEGORIES,
    CHANNELS,
    EVENTS,
    START_EVENTS,
    record_schema,
)
from outsidein.warehouse.journal import _fsync

SCHEMA = record_schema()
# As written: text with few distinct values is dictionary-encoded (cheaper to write, smaller);
# files do not store the Arrow schema, so every reader sees plain strings (SCHEMA).
WRITE_SCHEMA = pa.schema([
    pa.field(f.name, pa.dictionary(pa.int32(), pa.string()), f.nullable)
    if f.name in CATEGORIES else f for f in SCHEMA])
KEY = ("source", "record_id")
LIVE_GLOB = "channel=*/month=*/*.parquet"
# Files not (yet, or any more) live end otherwise, so that even a careless "**/*.parquet" glob
# over the root reads live records only.
ASIDE = ".superseded"
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


def _named(folder: str, path: Path) -> str:
    """Where a staged file goes in folder: "*.parquet" when live, "*.superseded" set aside."""
    stem = path.name.split(".", 1)[0]
    return f"{folder}/{stem}{ASIDE if folder.startswith('_superseded') else '.parquet'}"


def _partition_of(root: Path, path: Path) -> str:
    return str(path.parent.relative_to(root))


def _positions(rows) -> dict[str, np.ndarray]:
    """{file: sorted row positions} from a relation or table of (filename, file_row_number)."""
    table = rows if isinstance(rows, pa.Table) else rows.to_arrow_table()
    if table.num_rows == 0:
        return {}
    names = pc.dictionary_encode(table["filename"]).combine_chunks()
    index = names.indices.to_numpy(zero_copy_only=False)
    positions = table["file_row_number"].to_numpy()
    order = np.lexsort((positions, index))
    index, positions = index[order], positions[order]
    bounds = [0, *(np.flatnonzero(np.diff(index)) + 1).tolist(), len(index)]
    return {names.dictionary[int(index[lo])].as_py(): positions[lo:hi]
            for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)}


def _copy_rows(files: list[Path], new_path: Callable[[], Path], row_group_rows: int, *,
               drop: dict[str, np.ndarray] | None = None,
               keep: dict[str, np.ndarray] | None = None,
               max_rows: int | None = None) -> list[Path]:
    """Stream rows of files into new files: all, all but `drop`, or only `keep` positions."""
    written: list[Path] = []
    writer = None
    in_file = 0
    chosen_by_file = keep if keep is not None else drop
    try:
        for path in files:
            offset = 0
            chosen = None
            if chosen_by_file is not None:
                chosen = chosen_by_file.get(str(path), np.empty(0, dtype=np.int64))
            source = pq.ParquetFile(path, read_dictionary=list(CATEGORIES))
            for batch in source.iter_batches(batch_size=row_group_rows):
                n = batch.num_rows
                if chosen is not None:
                    inside = chosen[(chosen >= offset) & (chosen < offset + n)] - offset
                    mask = np.full(n, keep is None)
                    mask[inside] = keep is not None
                    batch = batch.filter(pa.array(mask))
                offset += n
                if batch.num_rows == 0:
                    continue
                if writer is None or (max_rows and in_file + batch.num_rows > max_rows):
                    if writer is not None:
                        writer.close()
                        _fsync(written[-1])
                    written.append(new_path())
                    writer = pq.ParquetWriter(written[-1], WRITE_SCHEMA, **PARQUET_OPTIONS)
                    in_file = 0
                table = conform(pa.Table.from_batches([batch]), None)
                writer.write_table(table, row_group_size=row_group_rows)
                in_file += batch.num_rows
    finally:
        if writer is not None:
            writer.close()
            _fsync(written[-1])
    return written
