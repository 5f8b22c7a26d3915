"""The interaction store: canonical records as a partitioned Parquet dataset (the only writer).

Layout under the root (only live records end in ".parquet", so even "**/*.parquet" reads them
alone; Spark also skips folders whose names start with "_"):

    channel=<c>/month=<yyyy-mm>/part-<uuid>.parquet            live records, read by the engine
    _superseded/import=<id>/channel=<c>/month=<m>/*.superseded  versions import <id> replaced
    _imports/<id>.json                                          partitions import <id> wrote
    _staging/<session>/.../*.staged                             files not yet committed
    _journal/<uuid>.json                                        a commit in flight
    .lock                                                       serializes writers

A record is identified by (source, record_id): writing a key that is already stored replaces its
version, and the old one is set aside so the import can be undone. A record's month is that of
its channel's start event in UTC (`START_EVENTS`), else of its first event.

Every change is a journal of renames and removals of fully written, fsynced files; if a process
dies half-way, the next writer rolls the journal forward, so a partition is never left
half-written. Readers may see either side of a commit, never a torn file.

The code is in sibling modules, named for what they hold: `partitions` (the files' schema and
options, which partition a record goes to, rewriting a partition's files), `journal` (the lock,
journaled commits, recovery, staging claims), `sessions` (an import's staging and its commit
plan) and `undo`; this module keeps the `InteractionStore` facade and re-exports their public
names.
"""

import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from outsidein.warehouse.journal import Journaled, _claimed
from outsidein.warehouse.partitions import (
    ASIDE,
    KEY,
    LIVE_GLOB,
    PARQUET_OPTIONS,
    ROW_GROUP_ROWS,
    SCHEMA,
    STATISTICS,
    WRITE_SCHEMA,
    StoreError,
    _copy_rows,
    _named,
    _partition_of,
    channel_codes,
    conform,
    split_by_partition,
    start_instants,
)
from outsidein.warehouse.sessions import ImportSession, WriteResult
from outsidein.warehouse.undo import UndoResult, _Undo

__all__ = [
    "ASIDE", "BUFFER_ROWS", "COMPACT_AFTER_FILES", "ENGINE_MEMORY", "KEY", "LIVE_GLOB",
    "PARQUET_OPTIONS", "ROW_GROUP_ROWS", "SCHEMA", "SMALL_FILE_ROWS", "STATISTICS",
    "WRITE_SCHEMA", "CompactResult", "ImportSession", "InteractionStore", "StoreError",
    "UndoResult", "WriteResult", "channel_codes", "conform", "default_root",
    "split_by_partition", "start_instants",
]

# Rows buffered across all partitions of a session before the largest buffers are written.
BUFFER_ROWS = 1024 * 1024
# A partition with more files than this is compacted after a commit; compaction merges files
# under SMALL_FILE_ROWS rows into files of at most that many.
COMPACT_AFTER_FILES = 8
SMALL_FILE_ROWS = 4 * 1024 * 1024
# DuckDB's share of memory for key look-ups; beyond it, it spills to the staging folder.
ENGINE_MEMORY = "1GB"


@dataclass(frozen=True)
class CompactResult:
    """Partitions compacted, and how many files they held before and after."""

    partitions: int
    files_before: int
    files_after: int


def default_root() -> Path:
    """The store of this installation: DATA_DIR/interactions (reads Django settings lazily)."""
    from django.conf import settings

    return Path(settings.DATA_DIR) / "interactions"


class InteractionStore(Journaled):
    """A partitioned Parquet dataset of interaction records under `root`."""

    def __init__(self, root: str | Path, *, row_group_rows: int = ROW_GROUP_ROWS,
                 buffer_rows: int = BUFFER_ROWS, compact_after_files: int = COMPACT_AFTER_FILES,
                 memory_limit: str = ENGINE_MEMORY, find_moved: bool = True):
        self.root = Path(root).absolute()
        # Look for earlier versions outside the partitions an import writes (see _Plan).
        self.find_moved = find_moved
        self.row_group_rows = row_group_rows
        self.buffer_rows = buffer_rows
        self.compact_after_files = compact_after_files
        self.memory_limit = memory_limit

    # ---- reading -------------------------------------------------------------------------

    def dataset_glob(self) -> str:
        """The glob of live files, for `read_parquet(glob, hive_partitioning=true)`."""
        return str(self.root / LIVE_GLOB)

    def files(self, partitions: Iterable[str] | None = None) -> list[Path]:
        """Live Parquet files, sorted; only those of the given partitions when named."""
        if partitions is None:
            return sorted(self.root.glob(LIVE_GLOB))
        found: list[Path] = []
        for partition in sorted(set(partitions)):
            found += sorted((self.root / partition).glob("*.parquet"))
        return found

    def partitions(self) -> list[str]:
        """Live partitions as "channel=<c>/month=<yyyy-mm>" paths relative to the root."""
        return sorted({_partition_of(self.root, f) for f in self.files()})

    def count(self) -> int:
        """Live records (from the files' footers, without reading data)."""
        return sum(pq.ParquetFile(f).metadata.num_rows for f in self.files())

    def table(self, columns: list[str] | None = None) -> pa.Table:
        """Every live record in one Arrow table (for tests and small stores)."""
        files = self.files()
        if not files:
            empty = SCHEMA.empty_table()
            return empty if columns is None else empty.select(columns)
        schema = SCHEMA if columns is None else pa.schema([SCHEMA.field(c) for c in columns])
        return pa.concat_tables(pq.read_table(f, columns=columns).cast(schema) for f in files)

    def import_ids(self) -> list[int]:
        """Imports whose records are in the store (committed and not undone)."""
        folder = self.root / "_imports"
        return sorted(int(p.stem) for p in folder.glob("*.json")) if folder.is_dir() else []

    # ---- writing -------------------------------------------------------------------------

    @contextmanager
    def session(self, import_id: int, *,
                owners: Iterable[str] | None = None) -> Iterator["ImportSession"]:
        """Stage an import's batches; nothing is visible until `commit()`, then all of it.

        With `owners` (organization codes), a staged record whose stored version belongs to any
        other organization is refused at commit, not written: see `WriteResult.refused`.
        """
        session = ImportSession(self, import_id, owners=owners)
        try:
            yield session
        finally:
            session.discard()

    def write_batch(self, table: pa.Table, import_id: int) -> WriteResult:
        """Write one batch of canonical records as (part of) an import; see `session`."""
        with self.session(import_id) as session:
            session.add(table)
            return session.commit()

    def undo(self, import_id: int) -> UndoResult:
        """Take out an import's records and put back the versions it replaced."""
        with self._locked():
            return _Undo(self, import_id).run()

    def compact(self, partitions: Iterable[str] | None = None, *,
                min_files: int = 2) -> CompactResult:
        """Merge each partition's small files into as few as needed."""
        with self._locked():
            chosen = self.partitions() if partitions is None else partitions
            return self._compact(chosen, min_files=min_files)

    # ---- machinery -----------------------------------------------------------------------

    def _connect(self, scratch: Path) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect()
        # Statements are drained (fetchall) before the next: the connection runs one at a time.
        con.execute(f"SET memory_limit = '{self.memory_limit}'").fetchall()
        con.execute(f"SET temp_directory = '{scratch / '.spill'}'").fetchall()
        con.execute("SET preserve_insertion_order = false").fetchall()
        return con

    def _new_file(self, session: str, folder: str) -> Callable[[], Path]:
        """A maker of fresh file names in a session's staging, under `folder`."""
        def new() -> Path:
            path = self.root / "_staging" / session / folder / f"part-{uuid.uuid4().hex}.staged"
            path.parent.mkdir(parents=True, exist_ok=True)
            return path
        return new

    def _rel(self, path: Path) -> str:
        return str(path.relative_to(self.root))

    def _manifest(self, import_id: int) -> dict | None:
        path = self.root / "_imports" / f"{int(import_id)}.json"
        return json.loads(path.read_text()) if path.exists() else None

    def _compact(self, partitions: Iterable[str], *, min_files: int) -> CompactResult:
        compacted = before = after = 0
        session = f"compact-{uuid.uuid4().hex}"
        ops: list[list[str]] = []
        with _claimed(self.root / "_staging" / session):
            for partition in sorted(set(partitions)):
                small = [f for f in self.files([partition])
                         if pq.ParquetFile(f).metadata.num_rows < SMALL_FILE_ROWS]
                if len(small) < min_files:
                    continue
                compacted += 1
                before += len(small)
                written = _copy_rows(small, self._new_file(session, partition),
                                     self.row_group_rows, max_rows=SMALL_FILE_ROWS)
                after += len(written)
                ops += [["replace", self._rel(w), _named(partition, w)] for w in written]
                ops += [["remove", self._rel(f)] for f in small]
            self._commit(ops)
        return CompactResult(compacted, before, after)
