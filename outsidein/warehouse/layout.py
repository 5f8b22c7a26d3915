"""Where the interaction store keeps its files under its root, and the names they take:

    channel=<c>/month=<yyyy-mm>/part-<uuid>.parquet            live records, read by the engine
    _superseded/import=<id>/channel=<c>/month=<m>/*.superseded  versions import <id> replaced
    _imports/<id>.json                                          partitions import <id> wrote
    _staging/<session>/.../*.staged                             files not yet committed
    _journal/<uuid>.json                                        a commit in flight (journal)
    .lock                                                       serializes writers (journal)

Only live records end in ".parquet", so even a careless "**/*.parquet" glob reads them alone;
Spark also skips folders whose names start with "_". Paths in journal ops are relative to the
root (`StoreLayout.relative`).
"""

import json
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

LIVE_GLOB = "channel=*/month=*/*.parquet"
# Files not (yet, or any more) live end otherwise (see the module's docstring).
ASIDE = ".superseded"
STAGED = ".staged"
SUPERSEDED = "_superseded"


def live_name(folder: str, path: Path) -> str:
    """Where a staged file goes in folder: "*.parquet" when live, "*.superseded" set aside."""
    stem = path.name.split(".", 1)[0]
    return f"{folder}/{stem}{ASIDE if folder.startswith(SUPERSEDED) else '.parquet'}"


class StoreLayout:
    """The files of a store under `root`: live ones, staging, set-aside ones, manifests."""

    def __init__(self, root: Path):
        self.root = root

    # ---- live records --------------------------------------------------------------------

    def dataset_glob(self) -> str:
        """The glob of live files (hive partitions: channel, month)."""
        return str(self.root / LIVE_GLOB)

    def live_files(self, partitions: Iterable[str] | None = None) -> list[Path]:
        """Live Parquet files, sorted; only those of the given partitions when named."""
        if not self.root.is_dir():
            return []
        if partitions is None:
            return sorted(self.root.glob(LIVE_GLOB))
        found: list[Path] = []
        for partition in sorted(set(partitions)):
            found += sorted((self.root / partition).glob("*.parquet"))
        return found

    def partitions(self) -> list[str]:
        """Live partitions as "channel=<c>/month=<yyyy-mm>" paths relative to the root."""
        return sorted({self.partition_of(f) for f in self.live_files()})

    def partition_of(self, path: Path) -> str:
        """The folder of a file relative to the root: "channel=<c>/month=<m>" for a live one."""
        return str(path.parent.relative_to(self.root))

    def relative(self, path: Path) -> str:
        """A path as journal ops name it."""
        return str(path.relative_to(self.root))

    # ---- staging and set-aside versions --------------------------------------------------

    def staging(self, session: str) -> Path:
        """A session's staging folder (claimed with `journal.Claim` while in use)."""
        return self.root / "_staging" / session

    def new_file(self, session: str, folder: str) -> Callable[[], Path]:
        """A maker of fresh file names in a session's staging, under `folder`."""
        def new() -> Path:
            path = self.staging(session) / folder / f"part-{uuid.uuid4().hex}{STAGED}"
            path.parent.mkdir(parents=True, exist_ok=True)
            return path
        return new

    def superseded(self) -> Path:
        """The folder of every import's set-aside versions."""
        return self.root / SUPERSEDED

    def aside_folder(self, import_id: int, partition: str) -> str:
        """Where versions that import `import_id` replaced in `partition` are set aside."""
        return f"{SUPERSEDED}/import={int(import_id)}/{partition}"

    # ---- manifests -----------------------------------------------------------------------

    def manifest_path(self, import_id: int) -> str:
        """The manifest of an import (the partitions it wrote), relative to the root."""
        return f"_imports/{int(import_id)}.json"

    def manifest(self, import_id: int) -> dict | None:
        """{"import_id", "partitions"} of a committed import; None when there is none."""
        path = self.root / self.manifest_path(import_id)
        return json.loads(path.read_text()) if path.exists() else None

    def import_ids(self) -> list[int]:
        """Imports whose records are in the store (committed and not undone)."""
        folder = self.root / "_imports"
        return sorted(int(p.stem) for p in folder.glob("*.json")) if folder.is_dir() else []
