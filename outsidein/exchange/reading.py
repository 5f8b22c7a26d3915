"""Reading a file of the Government of Canada's open-data layouts: UTF-8 CSV with the
publisher's header, rows numbered by the line they start on, and the header checked against a
layout's columns."""

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

Row = dict[str | None, "str | list[str] | None"]

# Some descriptions are long; the csv module's default limit (128 KiB) is kept as a guard.
csv.field_size_limit(1024 * 1024)


class GcFileError(Exception):
    """The file as a whole cannot be read (missing, not UTF-8, not CSV, missing columns)."""


@contextmanager
def open_gc_file(path_or_file: str | Path | IO) -> Iterator[IO[str]]:
    """A text stream over a path or an open file; a UTF-8 byte-order mark is dropped."""
    if isinstance(path_or_file, str | Path):
        path = Path(path_or_file)
        if not path.is_file():
            raise GcFileError(f"no such file: {path}")
        with path.open(encoding="utf-8-sig", newline="") as text:
            yield text
        return
    if isinstance(path_or_file, io.TextIOBase):
        yield path_or_file
        return
    # A binary stream (an upload, say): decode it here, dropping a byte-order mark.
    yield codecs.getreader("utf-8-sig")(path_or_file)


def _column_name(raw: str) -> str:
    # A text stream opened without utf-8-sig still carries the mark on the first name.
    return raw.replace("\ufeff", "").strip()


class GcReader:
    """Iterate (line, row) over a CSV file; line is where the row starts in the file."""

    def __init__(self, text: IO[str]):
        self._reader = csv.reader(text)
        try:
            header = next(self._reader)
        except StopIteration:
            raise GcFileError("the file is empty") from None
        except UnicodeDecodeError as exc:
            raise GcFileError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        except csv.Error as exc:
            raise GcFileError(f"line 1: not a readable CSV header ({exc})") from None
        self.columns: list[str] = [_column_name(name) for name in header]
        repeated = sorted({c for c in self.columns if self.columns.count(c) > 1})
        if repeated:
            raise GcFileError(f"line 1: repeated column(s): {', '.join(repeated)}")
        self.header_lines = self._reader.line_num

    def __iter__(self) -> Iterator[tuple[int, Row]]:
        width = len(self.columns)
        next_line = self.header_lines + 1
        while True:
            try:
                values = next(self._reader)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise GcFileError(f"near line {next_line}: not UTF-8 text ({exc.reason})"
                                  ) from None
            except csv.Error as exc:
                raise GcFileError(f"line {next_line}: {exc}") from None
            line, next_line = next_line, self._reader.line_num + 1
            if not values or values == [""]:
                continue  # a blank line carries no row
            # DictReader's convention: missing trailing values are None, extras sit under None.
            row: Row = dict(zip(self.columns, values, strict=False))
            for column in self.columns[len(values):]:
                row[column] = None
            if len(values) > width:
                row[None] = values[width:]
            yield line, row


def count_rows(path: str | Path) -> int | None:
    """How many rows a file holds (for a progress bar), or None when it cannot tell."""
    try:
        with open_gc_file(path) as text:
            return sum(1 for _ in GcReader(text))
    except (GcFileError, OSError):
        return None


def header_warnings(columns: list[str], layout: Iterable[str], required: Iterable[str],
                    what: str) -> list[str]:
    """Warnings about optional columns absent or unknown; GcFileError for a required one."""
    layout = tuple(layout)
    missing = [c for c in required if c not in columns]
    if missing:
        raise GcFileError(f"line 1: the header lacks required column(s) {', '.join(missing)}; "
                          f"is this the GC {what} layout?")
    warnings = []
    absent = [c for c in layout if c not in columns]
    if absent:
        warnings.append(f"columns not in the file, left empty: {', '.join(absent)}")
    extra = [c for c in columns if c not in layout]
    if extra:
        warnings.append(f"columns not in the layout, kept with each record but not exported: "
                        f"{', '.join(extra)}")
    return warnings

