"""How the analytical engines are opened, read from the environment (docs/operations.md,
"Scaling out", lists every variable; decision 0024 explains the choices).

DuckDB runs in this process: its memory, threads and spill folder. Spark runs wherever its
master says: `local[N]` in this process, `spark://` standalone, `yarn`, `k8s://`, or a Spark
Connect endpoint `sc://` (a remote driver: Databricks, a managed service, a Connect server).
Loopback stays the default: nothing listens on, or sends to, another address unless asked.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

DUCKDB_MEMORY = "1536MB"
LOOPBACK = "127.0.0.1"
_WILDCARDS = {"0.0.0.0", "::", "[::]"}  # noqa: S104 - named to be refused as a driver host
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_LOCAL = re.compile(r"^local(?:\[(\d+|\*)(?:,\d+)?\])?$")
# Where a glob starts: Spark finds hive partitions from the path before it (`basePath`).
_GLOB = re.compile(r"[*?\[{]")


class SettingError(ValueError):
    """An engine setting in the environment that cannot be used as written."""


def _environ_int(environ: Mapping[str, str], name: str) -> int | None:
    text = environ.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise SettingError(f"{name} must be a whole number above 0, not {text!r}")
    return int(text)


def _environ_json(environ: Mapping[str, str], name: str) -> dict[str, str]:
    text = environ.get(name, "").strip()
    if not text:
        return {}
    try:
        found = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SettingError(f"{name} is not JSON: {exc}") from exc
    if not isinstance(found, dict) or not all(
            isinstance(v, str | int | float | bool) for v in found.values()):
        raise SettingError(f"{name} must be a JSON object of names to plain values, "
                           f'e.g. {{"spark.executor.memory": "2g"}}')
    return {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in found.items()}


@dataclass(frozen=True)
class DuckDBSettings:
    """DuckDB in this process: `memory_limit` (spills beyond it), `threads` (None: every core),
    `spill_directory` (a folder of the engine's own is made inside it; None: the system's)."""

    memory_limit: str = DUCKDB_MEMORY
    threads: int | None = None
    spill_directory: str | None = None

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> DuckDBSettings:
        """OUTSIDEIN_DUCKDB_MEMORY, OUTSIDEIN_DUCKDB_THREADS, OUTSIDEIN_DUCKDB_SPILL_DIR."""
        return cls(memory_limit=environ.get("OUTSIDEIN_DUCKDB_MEMORY", "").strip() or DUCKDB_MEMORY,
                   threads=_environ_int(environ, "OUTSIDEIN_DUCKDB_THREADS"),
                   spill_directory=environ.get("OUTSIDEIN_DUCKDB_SPILL_DIR", "").strip() or None)


@dataclass(frozen=True)
class SparkSettings:
    """Where Spark runs and how it is reached.

    `master`: a master URL (`local[N]`, `spark://host:port`, `yarn`, `k8s://...`) or a Spark
    Connect URL (`sc://host:port/;token=...`). `bind_address` and `driver_host`: where the
    driver listens and the address executors use to reach it (a classic driver only; both
    loopback by default). `shuffle_partitions`: None gives twice the local cores in local mode
    and Spark's own default on a cluster, where adaptive execution merges small partitions.
    `conf`: further Spark settings, applied last (they win). `paths`: prefixes rewritten in
    every dataset path handed to Spark, for a store that executors see under another name.
    """

    master: str = "local[*]"
    bind_address: str = LOOPBACK
    driver_host: str | None = None
    shuffle_partitions: int | None = None
    conf: Mapping[str, str] = field(default_factory=dict)
    paths: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> SparkSettings:
        """OUTSIDEIN_SPARK_MASTER, _BIND_ADDRESS, _DRIVER_HOST, _SHUFFLE_PARTITIONS, _CONF, _PATHS."""
        return cls(master=environ.get("OUTSIDEIN_SPARK_MASTER", "").strip() or "local[*]",
                   bind_address=environ.get("OUTSIDEIN_SPARK_BIND_ADDRESS", "").strip() or LOOPBACK,
                   driver_host=environ.get("OUTSIDEIN_SPARK_DRIVER_HOST", "").strip() or None,
                   shuffle_partitions=_environ_int(environ, "OUTSIDEIN_SPARK_SHUFFLE_PARTITIONS"),
                   conf=_environ_json(environ, "OUTSIDEIN_SPARK_CONF"),
                   paths=_environ_json(environ, "OUTSIDEIN_SPARK_PATHS"))

    def with_master(self, master: str | None) -> SparkSettings:
        """The same settings with another master (None keeps this one)."""
        return replace(self, master=master) if master else self

    @property
    def connect(self) -> bool:
        """Whether the driver is a Spark Connect server (the session is a client of it)."""
        return self.master.startswith("sc://")

    def local_cores(self) -> int | None:
        """The cores of a local master (`local`: 1, `local[*]`: this machine's), else None."""
        found = _LOCAL.match(self.master)
        if not found:
            return None
        cores = found.group(1)
        if cores is None:
            return 1
        return (os.cpu_count() or 1) if cores == "*" else int(cores)

    def driver_address(self) -> str:
        """The address executors reach the driver at: the bind address unless it is a wildcard."""
        if self.driver_host:
            return self.driver_host
        if self.bind_address in _WILDCARDS:
            raise SettingError("OUTSIDEIN_SPARK_BIND_ADDRESS listens on every address: set "
                               "OUTSIDEIN_SPARK_DRIVER_HOST to the address executors reach this "
                               "machine at")
        return self.bind_address

    def session_conf(self) -> dict[str, str]:
        """Every Spark setting the session is built with (for Spark Connect: the SQL ones)."""
        conf = {
            "spark.sql.session.timeZone": "UTC",
            "spark.sql.ansi.enabled": "true",
            "spark.sql.execution.arrow.pyspark.enabled": "true",
            "spark.sql.adaptive.enabled": "true",
        }
        partitions = self.shuffle_partitions
        if partitions is None and self.local_cores():
            partitions = 2 * self.local_cores()
        if partitions:
            conf["spark.sql.shuffle.partitions"] = str(partitions)
        if self.connect:
            # The server owns its driver, executors and UI: a client can set SQL settings only.
            other = sorted(k for k in self.conf if not k.startswith("spark.sql."))
            if other:
                raise SettingError(f"with Spark Connect only spark.sql.* settings can be given "
                                   f"(set {', '.join(other)} on the Connect server instead)")
        else:
            conf |= {
                "spark.driver.bindAddress": self.bind_address,
                "spark.driver.host": self.driver_address(),
                "spark.ui.enabled": "false",
                "spark.ui.showConsoleProgress": "false",
            }
        return conf | dict(self.conf)

    def dataset_url(self, path: str | os.PathLike) -> str:
        """A dataset path as executors read it: prefixes rewritten (`paths`), a plain path made
        an absolute `file://` URL (the same folder on every machine: a shared mount), a URL with
        a scheme (`s3a://`, `hdfs://`, `abfss://`, `gs://`, `dbfs:/`) kept as written."""
        text = os.fspath(path)
        for prefix in sorted(self.paths, key=len, reverse=True):
            folder = prefix.rstrip("/")
            if text == folder or text.startswith(folder + "/"):  # whole folder names only
                text = self.paths[prefix].rstrip("/") + text[len(folder):]
                break
        if _SCHEME.match(text):
            return text
        return "file://" + os.path.abspath(text)


def glob_root(url: str) -> str | None:
    """The folder a glob starts from (hive partitions are read below it), or None: no glob."""
    found = _GLOB.search(url)
    if not found:
        return None
    return url[:found.start()].rsplit("/", 1)[0] + "/"
