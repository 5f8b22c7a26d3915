"""The engine seam: open DuckDB (in-process, the default) or Spark SQL (local mode, a cluster or a
Spark Connect endpoint) behind one API.

The only module that imports duckdb or pyspark (a test holds the rest of the warehouse to it).
An engine registers the Parquet dataset and small Arrow tables by name, runs SQL in its own
dialect (rendered by SQLGlot from one expression) and returns Arrow tables. The store's own
key look-ups at commit and undo use a plain DuckDB connection (`duckdb_connection`).
How each engine is opened comes from the environment (`engine_settings`).
The engines are imported when first opened: a web process that never measures skips loading them.
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pyarrow as pa

from outsidein.warehouse.engine_settings import DuckDBSettings, SparkSettings, glob_root

ENGINES = ("duckdb", "spark")
_BATCH_ROWS = 1 << 17


class Engine(Protocol):
    """What the compliance engine needs from an analytical engine."""

    kind: str
    dialect: str

    def register_parquet(self, name: str, path: str | Path, *, schema: pa.Schema | None = None) -> None:
        """Expose a Parquet dataset (directory, file or glob; hive partitions read) as a view."""

    def register_arrow(self, name: str, table: pa.Table) -> None:
        """Expose an in-memory Arrow table as a view."""

    def query(self, sql: str) -> pa.Table:
        """Run one statement in the engine's dialect and return its rows."""

    def close(self) -> None:
        """Release the engine (views and connections)."""


def open_engine(kind: str = "duckdb", **options) -> Engine:
    """An engine of the given kind ("duckdb" or "spark")."""
    if kind == "duckdb":
        return DuckDBEngine(**options)
    if kind == "spark":
        return SparkEngine(**options)
    raise ValueError(f"unknown engine {kind!r}; choose one of {', '.join(ENGINES)}")


def duckdb_connection(*, memory_limit: str, temp_directory: str | Path):
    """A DuckDB connection for the interaction store's key look-ups, bounded in memory and
    spilling to `temp_directory` (the caller's staging folder)."""
    import duckdb

    con = duckdb.connect()
    # Statements are drained (fetchall) before the next: the connection runs one at a time.
    con.execute(f"SET memory_limit = '{_plain(memory_limit)}'").fetchall()
    con.execute(f"SET temp_directory = '{_plain(str(temp_directory))}'").fetchall()
    con.execute("SET preserve_insertion_order = false").fetchall()
    return con


def _parquet_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(path.rglob("*.parquet"))
    return sorted(Path(p) for p in glob.glob(str(path), recursive=True))


class DuckDBEngine:
    """DuckDB in this process, bounded in memory, spilling to a temporary directory."""

    kind = "duckdb"
    dialect = "duckdb"

    def __init__(self, *, memory_limit: str | None = None, threads: int | None = None,
                 temp_directory: str | None = None, settings: DuckDBSettings | None = None):
        import duckdb

        settings = settings or DuckDBSettings.from_environ()
        self._con = duckdb.connect(":memory:")
        self._con.execute("SET TimeZone = 'UTC'")
        # Peak memory is a target (< 2 GB for 100M records); big aggregates spill to disk.
        limit = memory_limit or settings.memory_limit
        self._con.execute(f"SET memory_limit = '{_plain(limit)}'")
        self._con.execute("SET preserve_insertion_order = false")
        # Compliance queries are written records first, then joined to small tables in order.
        # DuckDB's estimate of the records-to-scope join (an equality plus an instant range) is
        # orders of magnitude low, so it would build hash tables on the records, or pair every
        # scope row with every clock row first; keep the written order and build sides.
        self._con.execute("SET disabled_optimizers = 'join_order,build_side_probe_side'")
        # Spill files go to a folder of this engine's own (inside the configured spill folder),
        # removed on close; engines opened side by side never share one.
        self._spill = None if temp_directory else tempfile.mkdtemp(
            prefix="outsidein-duckdb-", dir=settings.spill_directory)
        self._con.execute(f"SET temp_directory = '{_plain(temp_directory or self._spill)}'")
        threads = threads or settings.threads
        if threads:
            self._con.execute(f"SET threads = {int(threads)}")

    def register_parquet(self, name: str, path: str | Path, *, schema: pa.Schema | None = None) -> None:
        path = Path(path)
        files = _parquet_files(path)
        if not files:
            if schema is None:
                raise FileNotFoundError(f"no Parquet files at {path}")
            self.register_arrow(name, schema.empty_table())
            return
        pattern = str(path / "**" / "*.parquet") if path.is_dir() else str(path)
        # Names and paths are checked plain (no quotes); DuckDB cannot bind them as parameters.
        source = f"read_parquet('{_plain(pattern)}', hive_partitioning = true, union_by_name = true)"
        self._con.execute(f"CREATE OR REPLACE VIEW {_ident(name)} AS SELECT * FROM {source}")  # noqa: S608

    def register_arrow(self, name: str, table: pa.Table) -> None:
        self._con.register(_ident(name), table)

    def query(self, sql: str) -> pa.Table:
        # Stream the rows out in batches: a large result then lives in Arrow's memory, not
        # inside DuckDB's memory limit next to the aggregates that produced it.
        return self._con.sql(sql).to_arrow_reader(_BATCH_ROWS).read_all()

    def query_batches(self, sql: str, rows: int = _BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        """The answer in record batches of at most `rows` rows, read as they are consumed (a
        download of millions of records never holds them all)."""
        reader = self._con.sql(sql).to_arrow_reader(rows)
        for batch in reader:
            if batch.num_rows:
                yield batch

    def close(self) -> None:
        self._con.close()
        if self._spill:
            shutil.rmtree(self._spill, ignore_errors=True)


def spark_session(master: str | None = None, *, settings: SparkSettings | None = None):
    """The process's Spark session, built from `settings` (default: the environment's) with
    `master` overriding theirs. A classic session is created once per process (later calls get
    it back); a Spark Connect session is a client of the server at the `sc://` URL."""
    settings = (settings or SparkSettings.from_environ()).with_master(master)
    conf = settings.session_conf()
    from pyspark.sql import SparkSession

    if settings.connect:
        builder = SparkSession.builder.remote(settings.master)
    else:
        if settings.bind_address == settings.driver_address():
            # The JVM's own idea of its address (block manager, shuffle) follows the driver's.
            os.environ.setdefault("SPARK_LOCAL_IP", settings.bind_address)
        active = SparkSession.getActiveSession()
        if active is not None and active.sparkContext.master != settings.master:
            # One classic driver per process: getOrCreate would hand back the other one.
            raise RuntimeError(f"a Spark session on {active.sparkContext.master} is running in "
                               f"this process; stop it before opening one on {settings.master}")
        builder = SparkSession.builder.master(settings.master)
    builder = builder.appName("outsidein-compliance")
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


class SparkEngine:
    """Spark SQL through PySpark; the session outlives the engine (start-up is slow).

    Datasets are handed to Spark as paths or URLs that its executors read themselves (nothing is
    listed or read here): on a cluster the store must be on storage every executor reaches
    under the same name (a shared mount, HDFS, object storage; `SparkSettings.paths` rewrites
    the prefix when the names differ)."""

    kind = "spark"
    dialect = "spark"

    def __init__(self, *, session=None, master: str | None = None,
                 settings: SparkSettings | None = None):
        self._settings = (settings or SparkSettings.from_environ()).with_master(master)
        self._spark = session or spark_session(settings=self._settings)
        self._views: list[str] = []

    def register_parquet(self, name: str, path: str | Path, *, schema: pa.Schema | None = None) -> None:
        from pyspark.errors import AnalysisException

        url = self._settings.dataset_url(path)
        reader = self._spark.read
        root = glob_root(url)
        if root:  # partitions are found from the dataset's root
            reader = reader.option("basePath", root)
        try:
            # Spark Connect analyses lazily: the view's creation is where a missing path shows.
            reader.parquet(url).createOrReplaceTempView(_ident(name))
        except AnalysisException as exc:
            # No file at the path (or only empty folders): an empty store reads as no records.
            if exc.getCondition() not in ("PATH_NOT_FOUND", "UNABLE_TO_INFER_SCHEMA"):
                raise
            if schema is None:
                raise FileNotFoundError(f"no Parquet files at {url}") from exc
            self.register_arrow(name, schema.empty_table())
            return
        self._views.append(name)

    def register_arrow(self, name: str, table: pa.Table) -> None:
        self._spark.createDataFrame(table).createOrReplaceTempView(_ident(name))
        self._views.append(name)

    def query(self, sql: str) -> pa.Table:
        return self._spark.sql(sql).toArrow()

    def close(self) -> None:
        for name in self._views:
            self._spark.catalog.dropTempView(name)
        self._views.clear()


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a plain identifier: {name!r}")
    return name


def _plain(text: str) -> str:
    if "'" in text:
        raise ValueError(f"quote in a path or setting: {text!r}")
    return text
