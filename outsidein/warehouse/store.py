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
"""

import datetime as dt
import fcntl
import json
import os
import queue
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import duckdb
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
# Rows buffered across all partitions of a session before the largest buffers are written.
BUFFER_ROWS = 1024 * 1024
# A partition with more files than this is compacted after a commit; compaction merges files
# under SMALL_FILE_ROWS rows into files of at most that many.
COMPACT_AFTER_FILES = 8
SMALL_FILE_ROWS = 4 * 1024 * 1024
# DuckDB's share of memory for key look-ups; beyond it, it spills to the staging folder.
ENGINE_MEMORY = "1GB"
# Statistics where they let readers skip row groups: keys, import, and every event instant.
STATISTICS = ["source", "record_id", "import_id", "channel", "organization", "service",
              *(f"{e}_at" for e in EVENTS)]
# Snappy: read by every engine, and it writes faster than zstd (files about 1.6 times larger).
PARQUET_OPTIONS = {"compression": "snappy", "store_schema": False,
                   "use_dictionary": list(CATEGORIES), "write_statistics": STATISTICS}


class StoreError(Exception):
    """Records cannot be written as given (no channel, no event, unknown channel)."""


@dataclass(frozen=True)
class WriteResult:
    """Rows written: `stored` under new keys, `updated` replacing an earlier version."""

    stored: int
    updated: int
    partitions: tuple[str, ...] = ()


@dataclass(frozen=True)
class UndoResult:
    """Rows of the import taken out, and earlier versions put back in their place."""

    removed: int
    restored: int


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


class InteractionStore:
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
    def session(self, import_id: int) -> Iterator["ImportSession"]:
        """Stage an import's batches; nothing is visible until `commit()`, then all of it."""
        session = ImportSession(self, import_id)
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

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                self._recover()
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _recover(self) -> None:
        """Finish commits a dead process left half-applied; drop its abandoned staging."""
        journals = self.root / "_journal"
        if journals.is_dir():
            for journal in sorted(journals.glob("*.json")):
                self._apply(json.loads(journal.read_text()))
                journal.unlink()
        staging = self.root / "_staging"
        if staging.is_dir():
            for folder in staging.iterdir():
                if _abandoned(folder):
                    shutil.rmtree(folder, ignore_errors=True)

    def _commit(self, ops: list[list[str]]) -> None:
        """Apply renames, removals and small writes as one roll-forward unit (under the lock)."""
        if not ops:
            return
        journals = self.root / "_journal"
        journals.mkdir(exist_ok=True)
        journal = journals / f"{uuid.uuid4().hex}.json"
        temporary = journal.with_suffix(".tmp")
        with open(temporary, "w") as handle:
            json.dump({"ops": ops}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, journal)
        _fsync_dir(journals)
        self._apply({"ops": ops})
        journal.unlink()

    def _apply(self, journal: dict) -> None:
        """Carry out a journal; safe to repeat (a done step finds nothing left to do)."""
        touched: set[Path] = set()
        for op in journal["ops"]:
            if op[0] == "replace":
                source, target = self.root / op[1], self.root / op[2]
                if source.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(source, target)
                    touched.add(target.parent)
            elif op[0] == "remove":
                path = self.root / op[1]
                with suppress(FileNotFoundError):
                    path.unlink()
                touched.add(path.parent)
            elif op[0] == "write":
                path = self.root / op[1]
                path.parent.mkdir(parents=True, exist_ok=True)
                temporary = path.with_suffix(".tmp")
                temporary.write_text(op[2])
                os.replace(temporary, path)
                touched.add(path.parent)
        for folder in touched:
            _fsync_dir(folder)
        for folder in sorted(touched, key=lambda p: len(p.parts), reverse=True):
            _prune_empty(folder, self.root)

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


class ImportSession:
    """An import's batches staged per partition, committed (or discarded) as one."""

    def __init__(self, store: InteractionStore, import_id: int):
        self.store = store
        self.import_id = int(import_id)
        self.name = f"import-{self.import_id}-{uuid.uuid4().hex}"
        self.folder = store.root / "_staging" / self.name
        self._claim = _claim(self.folder)
        self._buffers: dict[str, list[pa.Table]] = {}
        self._buffered: dict[str, int] = {}
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._staged: dict[str, Path] = {}
        self.rows = 0
        self._open = True
        # Batches are encoded and written in a thread, overlapping the caller's next batch.
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._write_loop, name="outsidein-store",
                                         daemon=True)
        self._thread.start()

    def add(self, table: pa.Table) -> None:
        """Stage canonical records (any column order; missing columns are null)."""
        if not self._open:
            raise StoreError("this session is closed: commit, preview or discard ends it")
        self._raise_failure()
        if table.num_rows:
            self.rows += table.num_rows
            self._queue.put(table)

    def _raise_failure(self) -> None:
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure

    def _write_loop(self) -> None:
        while True:
            table = self._queue.get()
            if table is None:
                return
            if self._failure is not None:
                continue  # drain: the caller learns of the failure on its next call
            try:
                self._stage(table)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                self._failure = exc

    def _stop_thread(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _stage(self, table: pa.Table) -> None:
        # Split first: the columns the batch lacks are added per part, as shared null arrays.
        for partition, part in split_by_partition(table):
            part = conform(part, self.import_id)
            self._buffers.setdefault(partition, []).append(part)
            self._buffered[partition] = self._buffered.get(partition, 0) + part.num_rows
            if self._buffered[partition] >= self.store.row_group_rows:
                self._flush(partition)
        while sum(self._buffered.values()) > self.store.buffer_rows:
            self._flush(max(self._buffered, key=self._buffered.get))

    def preview(self) -> WriteResult:
        """What `commit()` would report, changing nothing (for a dry run)."""
        self._close()
        with self.store._locked():
            plan = _Plan(self.store, self)
        return WriteResult(self.rows - plan.updated, plan.updated, tuple(plan.partitions))

    def commit(self) -> WriteResult:
        """Make every staged row visible, replacing earlier versions of the same keys."""
        self._close()
        store = self.store
        with store._locked():
            plan = _Plan(store, self)
            store._commit(plan.operations())
        crowded = [p for p in plan.partitions if len(store.files([p])) > store.compact_after_files]
        if crowded:
            store.compact(crowded)
        return WriteResult(self.rows - plan.updated, plan.updated, tuple(plan.partitions))

    def discard(self) -> None:
        """Forget whatever is still staged (all of it, unless committed)."""
        self._open = False
        self._stop_thread()
        for writer in self._writers.values():
            with suppress(Exception):
                writer.close()
        self._writers.clear()
        self._buffers.clear()
        self._open = False
        _release(self.store.root, self.folder, self._claim)

    def _flush(self, partition: str) -> None:
        parts = self._buffers.pop(partition, [])
        self._buffered.pop(partition, None)
        if not parts:
            return
        if partition not in self._writers:
            path = self.store._new_file(self.name, partition)()
            self._staged[partition] = path
            self._writers[partition] = pq.ParquetWriter(path, WRITE_SCHEMA, **PARQUET_OPTIONS)
        self._writers[partition].write_table(pa.concat_tables(parts),
                                             row_group_size=self.store.row_group_rows)

    def _close(self) -> None:
        if not self._open:
            raise StoreError("this session is closed: commit, preview or discard ends it")
        self._stop_thread()
        self._raise_failure()
        pending = list(self._buffers)
        for partition in pending:  # open the files first: _flush adds to the dicts
            if partition not in self._writers:
                self._flush(partition)

        def finish(partition: str) -> None:
            self._flush(partition)
            self._writers[partition].close()
            _fsync(self._staged[partition])

        # What is still buffered is encoded on every core (the writer releases the GIL).
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            list(pool.map(finish, list(self._writers)))
        self._writers.clear()
        self._open = False


class _Plan:
    """What a commit changes: repeats inside the import, and the live versions it replaces."""

    def __init__(self, store: InteractionStore, session: ImportSession):
        self.store = store
        self.session = session
        self.partitions = sorted(session._staged)
        self.repeats: dict[str, np.ndarray] = {}
        self.replaced: dict[str, np.ndarray] = {}
        self.updated = 0
        if not session._staged:
            return
        staged = [str(p) for p in session._staged.values()]
        live = store.files()
        with store._connect(session.folder) as con:
            # Keys seen more than once, by their hash (cheaper to group than the text; a
            # collision only sends a few more rows through the exact ranking below).
            con.execute("CREATE TEMP TABLE repeated AS SELECT hash(source, record_id) AS h "
                        "FROM read_parquet(?) GROUP BY h HAVING count(*) > 1", [staged]
                        ).fetchall()
            if con.execute("SELECT count(*) FROM repeated").fetchall()[0][0]:
                # Inside one import the latest line wins; its earlier rows count as updates.
                self.repeats = _positions(con.sql("""
                    SELECT filename, file_row_number FROM (
                        SELECT filename, file_row_number, row_number() OVER (
                            PARTITION BY source, record_id ORDER BY source_line DESC NULLS LAST,
                            filename DESC, file_row_number DESC) AS rn
                        FROM read_parquet($staged, filename=true, file_row_number=true)
                        WHERE hash(source, record_id) IN (SELECT h FROM repeated))
                    WHERE rn > 1""", params={"staged": staged}))
            if live:
                con.execute("CREATE TEMP TABLE keys AS SELECT DISTINCT source, record_id "
                            "FROM read_parquet(?)", [staged]).fetchall()
                self.replaced = self._earlier_versions(con, live)
        self.updated = (sum(len(v) for v in self.repeats.values())
                        + sum(len(v) for v in self.replaced.values()))

    def _earlier_versions(self, con, live: list[Path]) -> dict[str, np.ndarray]:
        """Where the stored versions of the import's keys are (file -> row positions)."""
        touched = set(self.partitions)
        near = [str(f) for f in live if _partition_of(self.store.root, f) in touched]
        far = [str(f) for f in live if _partition_of(self.store.root, f) not in touched]
        found = {}
        if near:
            found = _positions(con.sql("""
                SELECT filename, file_row_number
                FROM read_parquet($near, filename=true, file_row_number=true)
                SEMI JOIN keys USING (source, record_id)""", params={"near": near}))
        if far and self.store.find_moved:
            # A record whose start event or channel was corrected lives in another partition.
            # The key range lets DuckDB skip row groups by their statistics, so with ids that
            # grow over time this reads little; with random ids it reads the key columns.
            sources, low, high = con.execute(
                "SELECT list(DISTINCT source), min(record_id), max(record_id) FROM keys"
            ).fetchall()[0]
            moved = _positions(con.sql("""
                SELECT filename, file_row_number
                FROM read_parquet($far, filename=true, file_row_number=true)
                SEMI JOIN keys USING (source, record_id)
                WHERE source IN (SELECT unnest($sources)) AND record_id BETWEEN $low AND $high
                """, params={"far": far, "sources": sources, "low": low, "high": high}))
            found.update(moved)
        return found


    def operations(self) -> list[list[str]]:
        store, session = self.store, self.session
        ops: list[list[str]] = []
        for partition, path in sorted(session._staged.items()):
            drop = self.repeats.get(str(path))
            if drop is None:
                kept = [path]
            else:
                kept = _copy_rows([path], store._new_file(session.name, partition),
                                  store.row_group_rows, drop={str(path): drop})
                path.unlink()
            ops += [["replace", store._rel(k), _named(partition, k)] for k in kept]
        for filename, rows in sorted(self.replaced.items()):
            path = Path(filename)
            partition = _partition_of(store.root, path)
            aside_folder = f"_superseded/import={session.import_id}/{partition}"
            if len(rows) == pq.ParquetFile(path).metadata.num_rows:
                # Every row replaced (a file imported again): set the file aside as it is.
                ops.append(["replace", store._rel(path), _named(aside_folder, path)])
                continue
            new = store._new_file(session.name, partition)
            kept = _copy_rows([path], new, store.row_group_rows, drop={filename: rows})
            aside = _copy_rows([path], new, store.row_group_rows, keep={filename: rows})
            ops += [["replace", store._rel(a), _named(aside_folder, a)] for a in aside]
            ops += [["replace", store._rel(k), _named(partition, k)] for k in kept]
            ops.append(["remove", store._rel(path)])
        manifest = store._manifest(session.import_id) or {"import_id": session.import_id,
                                                          "partitions": []}
        manifest["partitions"] = sorted(set(manifest["partitions"]) | set(self.partitions))
        ops.append(["write", f"_imports/{session.import_id}.json", json.dumps(manifest)])
        return ops


class _Undo:
    """Undo one import: its live rows out, the versions it replaced back in.

    Where a later import has since replaced this import's rows, the versions this import
    replaced take their place among the later import's set-aside rows, so that undoing the
    later import afterwards still restores the right version.
    """

    def __init__(self, store: InteractionStore, import_id: int):
        self.store = store
        self.import_id = int(import_id)

    def run(self) -> UndoResult:
        store, import_id = self.store, self.import_id
        manifest = store._manifest(import_id)
        aside = store.root / "_superseded"
        own_folder = aside / f"import={import_id}"
        own = sorted(own_folder.glob(f"**/*{ASIDE}"))
        later = sorted(set(aside.glob(f"import=*/**/*{ASIDE}")) - set(own))
        live = store.files(manifest["partitions"] if manifest else None)
        searched = [str(f) for f in live + later]
        scratch = store.root / "_staging" / f"undo-{import_id}-{uuid.uuid4().hex}"
        ops: list[list[str]] = []
        removed = restored = 0
        with _claimed(scratch), store._connect(scratch) as con:
            con.execute("CREATE TEMP TABLE mine (filename VARCHAR, file_row_number BIGINT, "
                        "source VARCHAR, record_id VARCHAR)").fetchall()
            if searched:
                con.execute("""INSERT INTO mine SELECT filename, file_row_number, source, record_id
                    FROM read_parquet(?, filename=true, file_row_number=true)
                    WHERE import_id = ?""", [searched, import_id]).fetchall()
            if own:
                # The versions this import replaced go back where its rows are now (live, or
                # among a later import's set-aside rows); rows it replaced itself are dropped.
                back = con.sql("""
                    SELECT a.filename, a.file_row_number,
                           regexp_extract(m.filename, '/(_superseded/import=[0-9]+)/', 1)
                               AS target
                    FROM read_parquet($own, filename=true, file_row_number=true) a
                    JOIN mine m USING (source, record_id)
                    WHERE a.import_id IS DISTINCT FROM $id""",
                               params={"own": [str(f) for f in own], "id": import_id}
                               ).to_arrow_table()
                for target in pc.unique(back["target"]).to_pylist():
                    rows = back.filter(pc.equal(back["target"], target))
                    for filename, positions in sorted(_positions(rows).items()):
                        path = Path(filename)
                        partition = str(path.parent.relative_to(own_folder))
                        destination = f"{target}/{partition}" if target else partition
                        if len(positions) == pq.ParquetFile(path).metadata.num_rows:
                            written = [path]  # all of it goes back: moved, not copied
                        else:
                            written = _copy_rows([path],
                                                 store._new_file(scratch.name, destination),
                                                 store.row_group_rows,
                                                 keep={filename: positions})
                        ops += [["replace", store._rel(w), _named(destination, w)]
                                for w in written]
                        if not target:
                            restored += len(positions)
            mine = _positions(con.sql("SELECT filename, file_row_number FROM mine"))
            for filename, rows in sorted(mine.items()):
                path = Path(filename)
                destination = str(path.parent.relative_to(store.root))
                if not path.is_relative_to(aside):
                    removed += len(rows)
                kept = []
                if len(rows) < pq.ParquetFile(path).metadata.num_rows:
                    kept = _copy_rows([path], store._new_file(scratch.name, destination),
                                      store.row_group_rows, drop={filename: rows})
                ops += [["replace", store._rel(k), _named(destination, k)] for k in kept]
                ops.append(["remove", store._rel(path)])
            ops += [["remove", store._rel(f)] for f in own]
            if manifest is not None:
                ops.append(["remove", f"_imports/{import_id}.json"])
            store._commit(ops)
        return UndoResult(removed, restored)


# ---- pure helpers --------------------------------------------------------------------------

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


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with suppress(OSError):
        _fsync(path)


def _prune_empty(folder: Path, root: Path) -> None:
    """Remove empty folders from `folder` up to, not including, the root."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _claim(folder: Path):
    """Lock a staging folder so that recovery leaves it alone while its owner lives."""
    folder.mkdir(parents=True, exist_ok=True)
    handle = open(folder / ".claim", "a+b")  # noqa: SIM115 - held for the owner's life
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return handle


@contextmanager
def _claimed(folder: Path) -> Iterator[Path]:
    handle = _claim(folder)
    try:
        yield folder
    finally:
        _release(folder.parent.parent, folder, handle)


def _release(root: Path, folder: Path, handle) -> None:
    """Give up a staging folder; while a journal is pending, its files may be needed by it."""
    journals = root / "_journal"
    if not (journals.is_dir() and any(journals.glob("*.json"))):
        shutil.rmtree(folder, ignore_errors=True)
    handle.close()


def _abandoned(folder: Path) -> bool:
    """Whether no living process holds the staging folder (a brand-new one may be unclaimed)."""
    claim = folder / ".claim"
    if not claim.exists():
        with suppress(FileNotFoundError):
            return time.time() - folder.stat().st_mtime > 60
        return False
    with open(claim, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True
