"""The interaction store on object storage (S3 or any S3-compatible service), through pyarrow's
filesystem layer (`pyarrow.fs.S3FileSystem`, in the pyarrow wheel). Design: ADR 0022.

S3 has no rename and no directory, so the local store's journaled renames cannot make a commit
atomic there. Instead one object, `<prefix>/_manifest.json`, names every committed file (live
records, set-aside versions) with its size and row count, and holds the small import
manifests' text. Committed files never change once written (their names carry a fresh uuid),
so a commit is:

1. upload the files the new state has and the bucket lacks (invisible: nothing names them);
2. PUT the new manifest: one object replaced whole, so a reader sees the old or the new commit;
3. delete the files the previous manifests retired, once they have been retired longer than
   `RETIRE_SECONDS` (a reader still scanning an older listing finds its files).

Readers list live files from the manifest, never from the bucket. A writer works on a local copy
(`StoreMirror`) with the local store's own code (journal, staging, DuckDB key look-ups): under the
writers' lock it first makes the copy equal to the manifest (downloading only files it lacks),
then each journaled commit is published as above. A commit that fails to publish is undone at
the next lock (the copy is made equal to the manifest again), so what the bucket says is
always what was committed. One host writes at a time (the lock is local; see the ADR).

Settings (environment): `OUTSIDEIN_INTERACTION_STORE=s3://bucket/prefix`,
`OUTSIDEIN_S3_ENDPOINT` (e.g. `http://127.0.0.1:9000` for MinIO; unset for AWS),
`OUTSIDEIN_S3_REGION` (else `AWS_REGION`/`AWS_DEFAULT_REGION`), credentials from the AWS
chain (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`[/`AWS_SESSION_TOKEN`], profile or role).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from outsidein.warehouse.layout import ASIDE, LIVE_GLOB, SUPERSEDED
from outsidein.warehouse.partitions import SCHEMA

MANIFEST = "_manifest.json"
# The local copy's record of the manifest version it equals.
SYNCED = "_synced.json"
RETIRE_SECONDS = int(os.environ.get("OUTSIDEIN_S3_RETIRE_SECONDS", "3600"))
_TEXTS = "_imports"


class StoreUnavailable(OSError):
    """The store cannot be read (no bucket, no access, a broken manifest): nothing may be
    concluded from it, least of all that it holds no records."""


def is_remote(root: str | Path) -> bool:
    """Whether a store root names object storage ("s3://bucket/prefix")."""
    return isinstance(root, str) and "://" in root


def s3_filesystem() -> pafs.S3FileSystem:
    """The S3 filesystem from the environment (see the module's docstring)."""
    endpoint = os.environ.get("OUTSIDEIN_S3_ENDPOINT") or None
    region = (os.environ.get("OUTSIDEIN_S3_REGION") or os.environ.get("AWS_REGION")
              or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1")
    options = {"region": region, "allow_bucket_creation": False, "allow_bucket_deletion": False,
               "connect_timeout": 5, "request_timeout": 30,
               "retry_strategy": pafs.AwsStandardS3RetryStrategy(max_attempts=3)}
    if endpoint:
        scheme, _, host = endpoint.partition("://")
        options |= {"endpoint_override": host or scheme, "scheme": scheme if host else "https"}
    return pafs.S3FileSystem(**options)


@dataclass
class Manifest:
    """A committed state: files (relative path -> [size, rows]), import manifests' text,
    and files retired from earlier states (relative path -> when)."""

    version: int = 0
    files: dict[str, list[int]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    retired: dict[str, float] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> Manifest:
        data = json.loads(text)
        return cls(data["version"], data["files"], data["texts"], data.get("retired", {}))

    def dump(self) -> str:
        return json.dumps({"version": self.version, "files": self.files, "texts": self.texts,
                           "retired": self.retired}, sort_keys=True)

    def live(self) -> list[str]:
        return sorted(p for p in self.files if p.endswith(".parquet"))


class RemoteRoot:
    """A store's objects under "s3://bucket/prefix": the manifest, reads and publishing."""

    def __init__(self, url: str, filesystem: pafs.FileSystem | None = None):
        scheme, _, rest = url.partition("://")
        if scheme != "s3":
            raise ValueError(f"unsupported store URL {url!r}: use a path or s3://bucket/prefix")
        self.url = url.rstrip("/")
        self.base = rest.strip("/")
        if not self.base:
            raise ValueError(f"no bucket in store URL {url!r}")
        self.fs = filesystem or s3_filesystem()

    def path(self, relative: str) -> str:
        return f"{self.base}/{relative}"

    # ---- reading -------------------------------------------------------------------------

    def manifest(self) -> Manifest:
        """The committed state; an empty one for a store never written (its bucket exists).
        Raises StoreUnavailable when the bucket is missing or cannot be read."""
        bucket = self.base.split("/", 1)[0]
        try:
            with self.fs.open_input_stream(self.path(MANIFEST)) as stream:
                return Manifest.parse(stream.read().decode())
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError) as exc:
            raise StoreUnavailable(f"cannot read the interaction store at {self.url}: {exc}") from exc
        try:
            found = self.fs.get_file_info(bucket).type
        except OSError as exc:
            raise StoreUnavailable(f"cannot read the interaction store at {self.url}: {exc}") from exc
        if found != pafs.FileType.Directory:
            raise StoreUnavailable(f"cannot read the interaction store at {self.url}: "
                                   f"bucket {bucket!r} does not exist or is not readable")
        return Manifest()

    def live_paths(self, manifest: Manifest | None = None) -> list[str]:
        """Object paths ("bucket/prefix/channel=…/month=…/part-….parquet") of live files."""
        return [self.path(p) for p in (manifest or self.manifest()).live()]

    def dataset(self, manifest: Manifest | None = None) -> ds.Dataset:
        """The live records as an Arrow dataset (what an engine scans in place of a glob)."""
        return ds.dataset(self.live_paths(manifest), schema=SCHEMA, format="parquet",
                          filesystem=self.fs)

    # ---- publishing ----------------------------------------------------------------------

    def publish(self, state: Manifest, local: Path, since: Manifest) -> Manifest:
        """Commit `state` (files under `local`) over `since`, the state the writer started from."""
        current = self.manifest()
        if current.version != since.version:
            raise StoreUnavailable(f"the interaction store at {self.url} changed under this "
                                   f"writer (version {current.version}, expected "
                                   f"{since.version}): only one host may write a store")
        for relative, (size, _rows) in sorted(state.files.items()):
            known = current.files.get(relative)
            if known is None or known[0] != size or relative in current.retired:
                pafs.copy_files(str(local / relative), self.path(relative),
                                source_filesystem=pafs.LocalFileSystem(),
                                destination_filesystem=self.fs)
        now = time.time()
        retired = {p: t for p, t in current.retired.items() if p not in state.files}
        retired |= {p: now for p in current.files if p not in state.files and p not in retired}
        expired = sorted(p for p, t in retired.items() if now - t >= RETIRE_SECONDS)
        state = Manifest(current.version + 1, state.files, state.texts,
                         {p: t for p, t in retired.items() if p not in expired})
        with self.fs.open_output_stream(self.path(MANIFEST)) as stream:
            stream.write(state.dump().encode())
        for relative in expired:
            with contextlib.suppress(FileNotFoundError):
                self.fs.delete_file(self.path(relative))
        return state


class StoreMirror:
    """A writer's local copy of a remote store, kept equal to its manifest."""

    def __init__(self, remote: RemoteRoot, local: Path):
        self.remote = remote
        self.local = local

    def local_state(self, *, rows: bool = True) -> Manifest:
        """The committed files under the local copy, as a manifest (row counts read from the
        footers of files the last synced manifest does not know, unless `rows` is false)."""
        known = self.synced().files if rows else {}
        files: dict[str, list[int]] = {}
        for path in self.local.glob(LIVE_GLOB):
            relative, size = str(path.relative_to(self.local)), path.stat().st_size
            count = 0
            if rows:
                seen = known.get(relative)
                count = seen[1] if seen and seen[0] == size else pq.ParquetFile(path).metadata.num_rows
            files[relative] = [size, count]
        superseded = self.local / SUPERSEDED
        if superseded.is_dir():
            for path in superseded.glob(f"**/*{ASIDE}"):
                files[str(path.relative_to(self.local))] = [path.stat().st_size, 0]
        texts = {}
        folder = self.local / _TEXTS
        if folder.is_dir():
            texts = {f"{_TEXTS}/{p.name}": p.read_text() for p in folder.glob("*.json")}
        return Manifest(files=files, texts=texts)

    def synced(self) -> Manifest:
        """The manifest the local copy last equalled."""
        path = self.local / SYNCED
        return Manifest.parse(path.read_text()) if path.exists() else Manifest()

    def pull(self) -> None:
        """Make the local copy equal to the manifest (under the writers' lock)."""
        self.local.mkdir(parents=True, exist_ok=True)
        manifest = self.remote.manifest()
        have = self.local_state(rows=False)
        sizes = {p: v[0] for p, v in manifest.files.items()}
        if (manifest.version == self.synced().version and have.texts == manifest.texts
                and {p: v[0] for p, v in have.files.items()} == sizes):
            return
        for relative in set(have.files) - set(manifest.files):
            (self.local / relative).unlink()
        for relative, (size, _rows) in sorted(manifest.files.items()):
            known = have.files.get(relative)
            if known is None or known[0] != size:
                target = self.local / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(target.name + ".download")
                pafs.copy_files(self.remote.path(relative), str(partial),
                                source_filesystem=self.remote.fs,
                                destination_filesystem=pafs.LocalFileSystem())
                os.replace(partial, target)
        for relative in set(have.texts) - set(manifest.texts):
            (self.local / relative).unlink()
        for relative, text in manifest.texts.items():
            target = self.local / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        self._record(manifest)

    def push(self) -> None:
        """Publish the local copy's committed state (after a local journaled commit)."""
        published = self.remote.publish(self.local_state(), self.local, since=self.synced())
        self._record(published)

    def _record(self, manifest: Manifest) -> None:
        temporary = self.local / (SYNCED + ".tmp")
        temporary.write_text(manifest.dump())
        os.replace(temporary, self.local / SYNCED)


def mirror_folder(url: str, cache: Path) -> Path:
    """Where a writer keeps its copy of the store at `url` under a cache folder."""
    return cache / hashlib.sha256(url.encode()).hexdigest()[:16]


class DatasetEngine:
    """An engine that scans a remote store's live files as an Arrow dataset wherever it is
    asked to register the store's glob; everything else goes to the engine it wraps."""

    def __init__(self, engine, glob: str, remote: RemoteRoot):
        self._engine = engine
        self._glob = glob
        self._remote = remote

    def register_parquet(self, name: str, path, *, schema=None) -> None:
        if str(path) != self._glob:
            self._engine.register_parquet(name, path, schema=schema)
            return
        if self._engine.kind != "duckdb":
            # Spark reads object storage itself, through s3a:// (hadoop-aws; ADR 0022).
            raise StoreUnavailable(f"the {self._engine.kind} engine cannot scan {self._remote.url} "
                                   "through pyarrow: point it at the store with s3a:// instead")
        # DuckDB scans a registered pyarrow dataset lazily, pushing filters and columns down.
        self._engine.register_arrow(name, self._remote.dataset())

    def __getattr__(self, name: str):
        return getattr(self._engine, name)
