"""Commits and recovery in the interaction store's root: the writers' lock (`.lock`), the
journal of renames, removals and small writes that makes a commit one roll-forward unit
(`_journal/*.json`, applied again by the next writer if a process died half-way), and the
claims on staging folders (`_staging/<session>/`) that let recovery remove only those no living
process holds.

The rest of the warehouse uses `Journal.locked()`, `Journal.commit(ops)`, `Claim` and `fsync`;
an op is ["replace", source, target], ["remove", path] or ["write", path, text], with paths
relative to the root.
"""

import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


class Journal:
    """The lock, the journal and recovery of a store under `root`.

    With a `mirror` (objects.StoreMirror: `root` is then a local copy of a store on object
    storage), the copy is made equal to the published store when the lock is taken, and each
    commit is published once applied locally.
    """

    def __init__(self, root: Path, mirror=None):
        self.root = root
        self.mirror = mirror

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the writers' lock, after finishing whatever a dead writer left half-done."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                self._recover()
                if self.mirror is not None:
                    self.mirror.pull()
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def commit(self, ops: list[list[str]]) -> None:
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
        self.apply({"ops": ops})
        journal.unlink()
        if self.mirror is not None:
            self.mirror.push()

    def pending(self) -> bool:
        """Whether a journal waits to be applied (its files must stay where they are)."""
        journals = self.root / "_journal"
        return journals.is_dir() and any(journals.glob("*.json"))

    def apply(self, journal: dict) -> None:
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

    def _recover(self) -> None:
        """Finish commits a dead process left half-applied; drop its abandoned staging."""
        journals = self.root / "_journal"
        if journals.is_dir():
            for journal in sorted(journals.glob("*.json")):
                self.apply(json.loads(journal.read_text()))
                journal.unlink()
        staging = self.root / "_staging"
        if staging.is_dir():
            for folder in staging.iterdir():
                if _abandoned(folder):
                    shutil.rmtree(folder, ignore_errors=True)


class Claim:
    """A lock on a staging folder (`<root>/_staging/<session>`), so that recovery leaves it
    alone while its owner lives."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.handle = open(folder / ".claim", "a+b")  # noqa: SIM115 - held for the owner's life
        fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def release(self) -> None:
        """Give up the folder; while a journal is pending, its files may be needed by it."""
        if not Journal(self.folder.parent.parent).pending():
            shutil.rmtree(self.folder, ignore_errors=True)
        self.handle.close()


@contextmanager
def claimed(folder: Path) -> Iterator[Path]:
    """A claimed staging folder for the length of the block."""
    claim = Claim(folder)
    try:
        yield folder
    finally:
        claim.release()


def fsync(path: Path) -> None:
    """Flush a written file to disk (before a journal renames it into place)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with suppress(OSError):
        fsync(path)


def _prune_empty(folder: Path, root: Path) -> None:
    """Remove empty folders from `folder` up to, not including, the root."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


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
