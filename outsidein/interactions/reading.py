"""What every reader of interaction files shares: the batch a reader hands over, the reader's
shape, the file-level error, bounds on memory, and the thread that reads ahead."""

import contextlib
import csv
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from django.utils.functional import lazy
from django.utils.translation import gettext

DEFAULT_BATCH_ROWS = 250_000
SAMPLE_BYTES = 1 << 20
DICTIONARY = pa.dictionary(pa.int32(), pa.string())

# The longest record (line, or lines of one quoted value) a file may hold: beyond it the file
# is refused, so that memory stays bounded whatever the file holds.
MAX_RECORD_BYTES = 16 << 20

csv.field_size_limit(MAX_RECORD_BYTES)


class FileError(Exception):
    """The file as a whole cannot be read (missing, unknown format, not what its name says, no
    header, bad header, encodings that disagree). The message may be lazy (translated when
    shown): `str(error)` gives it in the active language."""

    @property
    def message(self):
        return self.args[0] if self.args else ""


def _record_too_long(line: int, megabytes: int) -> str:
    return gettext("Line %(line)s starts a record longer than %(size)s MB: interaction records "
                   "are never this long, so the file is not read.") % {
        "line": line, "size": megabytes}


record_too_long_message = lazy(_record_too_long, str)


@dataclass
class RawBatch:
    """Rows as read (columns named as in the file), each row's line, and rows not split into
    columns: (line, text, reason)."""

    table: pa.Table
    lines: pa.Array
    invalid: list[tuple[int, str, str]] = field(default_factory=list)


class Reader:
    """A file's header, then its rows in batches; `done` and `total` measure progress."""

    format = ""
    unit = "B"

    def __init__(self, path: Path, *, batch_rows: int = DEFAULT_BATCH_ROWS):
        self.path = path
        self.batch_rows = max(1, batch_rows)
        self.columns: list[str] = []
        self.total: int | None = path.stat().st_size
        self.done = 0

    def batches(self, columns: list[str], categories: tuple[str, ...] = ()) -> Iterator[RawBatch]:
        """Rows of the named columns; `categories` are columns with few distinct values, which
        a reader may hand over dictionary-encoded."""
        raise NotImplementedError

    def _sliced(self, batch: RawBatch) -> Iterator[RawBatch]:
        """Batches of at most batch_rows rows (slices share memory)."""
        n = batch.table.num_rows
        if n <= self.batch_rows:
            yield batch
            return
        for start in range(0, n, self.batch_rows):
            yield RawBatch(batch.table.slice(start, self.batch_rows),
                           batch.lines.slice(start, self.batch_rows),
                           batch.invalid if start == 0 else [])


def checked_header(names: list, where: str) -> list[str]:
    columns = []
    for i, name in enumerate(names):
        text = "" if name is None else str(name).replace("\ufeff", "").strip()
        columns.append(text or f"column_{i + 1}")
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise FileError(f"{where}: repeated column(s): {', '.join(repeated)}")
    if not columns:
        raise FileError(f"{where}: no columns")
    return columns


# ---- a reading thread ----------------------------------------------------------------------

_END = object()


def prefetched(make: Callable[[], Iterator], depth: int = 2) -> Iterator:
    """Run an iterator in a thread, `depth` items ahead, so reading overlaps the rest."""
    items: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in make():
                while not stop.is_set():
                    try:
                        items.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            items.put(_END)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            items.put(exc)

    thread = threading.Thread(target=produce, name="outsidein-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = items.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():
            with contextlib.suppress(queue.Empty):
                items.get(timeout=0.1)
        thread.join()
