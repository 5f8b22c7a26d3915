"""The interaction store: canonical records as a partitioned Parquet dataset (the only writer).

The layout under the root is in `layout`; only live records end in ".parquet". A record is
identified by (source, record_id): writing a key that is already stored replaces its version,
and the old one is set aside so the import can be undone. A record's month is that of its
channel's start event in UTC (`START_EVENTS`), else of its first event.

Every change is a journal of renames and removals of fully written, fsynced files; if a process
dies half-way, the next writer rolls the journal forward, so a partition is never left
half-written. Readers may see either side of a commit, never a torn file.

`InteractionStore` is the only way the rest of the project finds live files (`files`,
`dataset_glob`) or writes records. Its parts are sibling modules, named for what they hold and
sharing only public names: `schema` (the record), `partitions` (the files' schema and options,
which partition a record goes to), `layout` (where files live and the names they take),
`journal` (the lock, journaled commits, recovery, staging claims), `rewrite` (copying files
with some rows dropped or kept), `sessions` (an import's staging and its commit plan), `undo`,
`compaction`, `tuning`, `objects` (the store on S3-compatible object storage, ADR 0022), and
`engines` (the only module that opens DuckDB or Spark). This module re-exports their names that
callers use.

A root is a local folder or an "s3://bucket/prefix" URL. On object storage, writers work on a
local copy published through a manifest (`objects`), readers list live files from that manifest
and engines scan them as an Arrow dataset (`reading`).
"""

import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from outsidein.warehouse.compaction import SMALL_FILE_ROWS, CompactResult, compact_partitions
from outsidein.warehouse.journal import Journal
from outsidein.warehouse.layout import ASIDE, LIVE_GLOB, StoreLayout
from outsidein.warehouse.objects import (
    DatasetEngine,
    RemoteRoot,
    StoreMirror,
    StoreUnavailable,
    is_remote,
    mirror_folder,
)
from outsidein.warehouse.partitions import (
    KEY,
    PARQUET_OPTIONS,
    ROW_GROUP_ROWS,
    SCHEMA,
    STATISTICS,
    WRITE_SCHEMA,
    StoreError,
    channel_codes,
    conform,
    split_by_partition,
    start_instants,
)
from outsidein.warehouse.sessions import ImportSession, WriteResult
from outsidein.warehouse.tuning import BUFFER_ROWS, COMPACT_AFTER_FILES, ENGINE_MEMORY, Tuning
from outsidein.warehouse.undo import UndoResult, undo_import

__all__ = [
    "ASIDE", "BUFFER_ROWS", "COMPACT_AFTER_FILES", "ENGINE_MEMORY", "KEY", "LIVE_GLOB",
    "PARQUET_OPTIONS", "ROW_GROUP_ROWS", "SCHEMA", "SMALL_FILE_ROWS", "STATISTICS",
    "WRITE_SCHEMA", "CompactResult", "ImportSession", "InteractionStore", "StoreError",
    "StoreUnavailable", "UndoResult", "WriteResult", "channel_codes", "conform", "default_root",
    "split_by_partition", "start_instants",
]


def default_root() -> str | Path:
    """The store of this installation: the INTERACTION_STORE setting (a folder or an
    "s3://bucket/prefix" URL), else DATA_DIR/interactions (reads Django settings lazily)."""
    # Imported here, not above: the store itself runs without Django (tests, bench/).
    from django.conf import settings

    configured = getattr(settings, "INTERACTION_STORE", "")
    if configured:
        return configured if is_remote(configured) else Path(configured)
    return Path(settings.DATA_DIR) / "interactions"


def default_cache() -> Path:
    """Where writers keep local copies of stores on object storage: DATA_DIR/interactions-cache
    (the system's temporary folder when Django is not set up)."""
    from django.conf import settings

    if settings.configured:
        return Path(settings.DATA_DIR) / "interactions-cache"
    return Path(tempfile.gettempdir()) / "outsidein-interactions-cache"


class InteractionStore:
    """A partitioned Parquet dataset of interaction records under `root`."""

    def __init__(self, root: str | Path, *, row_group_rows: int = ROW_GROUP_ROWS,
                 buffer_rows: int = BUFFER_ROWS, compact_after_files: int = COMPACT_AFTER_FILES,
                 memory_limit: str = ENGINE_MEMORY, find_moved: bool = True,
                 cache: Path | None = None, filesystem=None):
        # On object storage `root` is the writers' local copy; `remote` the published store.
        self.remote = None
        mirror = None
        if is_remote(root):
            self.remote = RemoteRoot(str(root), filesystem)
            self.root = mirror_folder(self.remote.url, cache or default_cache()).absolute()
            mirror = StoreMirror(self.remote, self.root)
        else:
            self.root = Path(root).absolute()
        self.url = self.remote.url if self.remote else str(self.root)
        self.layout = StoreLayout(self.root)
        self.journal = Journal(self.root, mirror)
        self.tuning = Tuning(row_group_rows=row_group_rows, buffer_rows=buffer_rows,
                             compact_after_files=compact_after_files,
                             memory_limit=memory_limit, find_moved=find_moved)

    # ---- reading -------------------------------------------------------------------------

    def dataset_glob(self) -> str:
        """The glob of live files, for an engine's `register_parquet` (hive partitions read)
        or `read_parquet(glob, hive_partitioning = true)`. On object storage, an engine must
        come through `reading` to scan it."""
        if self.remote:
            return f"{self.remote.url}/{LIVE_GLOB}"
        return self.layout.dataset_glob()

    def reading(self, engine):
        """The engine, able to register this store's `dataset_glob` (on object storage the
        live files are scanned as an Arrow dataset listed from the manifest)."""
        if self.remote is None:
            return engine
        return DatasetEngine(engine, self.dataset_glob(), self.remote)

    def files(self, partitions: Iterable[str] | None = None) -> list[Path]:
        """Live Parquet files, sorted; only those of the given partitions when named (on
        object storage: "bucket/prefix/…" object paths)."""
        if self.remote:
            wanted = None if partitions is None else set(partitions)
            return [Path(p) for p in self.remote.live_paths()
                    if wanted is None or str(Path(p).parent.relative_to(self.remote.base)) in wanted]
        return self.layout.live_files(partitions)

    def listing(self) -> dict[str, list[tuple[str, int, int]]]:
        """channel -> (name relative to the root, size, mtime in ns) of each live file: what a
        result's fingerprint records of the files it read (no mtime on object storage, where
        a name never changes content)."""
        listing: dict[str, list[tuple[str, int, int]]] = {}
        if self.remote:
            for relative, (size, _rows) in sorted(self.remote.manifest().files.items()):
                if relative.endswith(".parquet"):
                    channel = relative.split("/", 1)[0].partition("=")[2]
                    listing.setdefault(channel, []).append((relative, size, 0))
            return listing
        for path in self.files():
            stat = path.stat()
            channel = path.parent.parent.name.partition("=")[2]
            listing.setdefault(channel, []).append(
                (str(path.relative_to(self.root)), stat.st_size, stat.st_mtime_ns))
        return listing

    def partitions(self) -> list[str]:
        """Live partitions as "channel=<c>/month=<yyyy-mm>" paths relative to the root."""
        if self.remote:
            return sorted({p.rsplit("/", 1)[0] for p in self.remote.manifest().live()})
        return self.layout.partitions()

    def count(self) -> int:
        """Live records (from the files' footers, without reading data)."""
        if self.remote:
            manifest = self.remote.manifest()
            return sum(manifest.files[p][1] for p in manifest.live())
        return sum(pq.ParquetFile(f).metadata.num_rows for f in self.files())

    def table(self, columns: list[str] | None = None) -> pa.Table:
        """Every live record in one Arrow table (for tests and small stores)."""
        if self.remote:
            return self.remote.dataset().to_table(columns=columns)
        files = self.files()
        if not files:
            empty = SCHEMA.empty_table()
            return empty if columns is None else empty.select(columns)
        schema = SCHEMA if columns is None else pa.schema([SCHEMA.field(c) for c in columns])
        return pa.concat_tables(pq.read_table(f, columns=columns).cast(schema) for f in files)

    def import_ids(self) -> list[int]:
        """Imports whose records are in the store (committed and not undone)."""
        if self.remote:
            return sorted(int(p.rsplit("/", 1)[1].split(".")[0])
                          for p in self.remote.manifest().texts)
        return self.layout.import_ids()

    def readable_or_raise(self, *, expected_records: int) -> None:
        """Raise StoreUnavailable when the store cannot be read, or when it holds no live
        file although `expected_records` (what the database says was imported) is positive:
        a caller about to treat missing records as gone must stop instead."""
        if self.remote:
            empty = not self.remote.manifest().live()  # raises when it cannot be read
        else:
            try:
                empty = not self.root.is_dir() or not self.layout.live_files()
            except OSError as exc:
                raise StoreUnavailable(f"cannot read the interaction store at {self.url}: {exc}"
                                       ) from exc
        if empty and expected_records > 0:
            raise StoreUnavailable(
                f"the interaction store at {self.url} holds no records, but {expected_records:,} "
                "were imported and not undone: check the store setting "
                "(OUTSIDEIN_INTERACTION_STORE, OUTSIDEIN_DATA_DIR) and its storage")

    # ---- writing -------------------------------------------------------------------------

    @contextmanager
    def session(self, import_id: int, *,
                owners: Iterable[str] | None = None) -> Iterator[ImportSession]:
        """Stage an import's batches; nothing is visible until `commit()`, then all of it.

        With `owners` (organization codes), a staged record whose stored version belongs to any
        other organization is refused at commit, not written: see `WriteResult.refused`.
        """
        session = ImportSession(self.layout, self.journal, self.tuning, import_id, owners=owners)
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
        return undo_import(self.layout, self.journal, self.tuning, import_id)

    def compact(self, partitions: Iterable[str] | None = None, *,
                min_files: int = 2) -> CompactResult:
        """Merge each partition's small files into as few as needed."""
        return compact_partitions(self.layout, self.journal, partitions,
                                  row_group_rows=self.tuning.row_group_rows, min_files=min_files)
