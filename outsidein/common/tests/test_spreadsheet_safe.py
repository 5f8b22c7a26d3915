"""The spreadsheet-safe writer: OWASP's CSV-injection rule, the same on cells and Arrow columns."""

import csv
import io
from decimal import Decimal

import pyarrow as pa
import pyarrow.csv as pcsv
import pytest

from outsidein.common.spreadsheet_safe import (
    SafeCsvWriter,
    csv_download,
    csv_lines,
    safe_arrow_table,
    safe_cell,
)

PAYLOADS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+1", "-1+1",
            "\t=1+1", "\r=1+1", "-", "=", "-2+3+cmd|' /C calc'!A0", "- HYPERLINK(\"http://x\")"]
PLAIN = ["", "ok", "Driver's licence", "a=b", " =1+1", "é@x", "'=already quoted", "1-800-555"]
NUMBERS_AS_TEXT = ["-5", "-0.25", "+1", "+1.5e3", "-1E-2", "-.5", "0"]


@pytest.mark.parametrize("value", PAYLOADS)
def test_a_formula_like_text_gets_a_leading_quote(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", PLAIN + NUMBERS_AS_TEXT)
def test_other_text_and_numbers_written_as_text_are_unchanged(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", ["-5\n", "-5 ", "-1,5", "-٣", "-1_000", "-inf", "-nan"])
def test_only_a_plain_number_counts_as_one(value):
    # Python's float() would take some of these; a spreadsheet would not read them as numbers.
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", [-5, -0.25, Decimal("-12.50"), 0, True, None])
def test_numbers_and_blanks_keep_their_type(value):
    assert safe_cell(value) is value


def test_other_objects_are_judged_by_their_text():
    class Formula:
        def __str__(self):
            return "=1+1"

    assert safe_cell(Formula()) == "'=1+1"


def test_the_rule_is_idempotent():
    for value in PAYLOADS:
        assert safe_cell(safe_cell(value)) == safe_cell(value)


def test_the_writer_writes_safe_rows_that_read_back_as_text():
    stream = io.StringIO()
    writer = SafeCsvWriter(stream)
    writer.writerow(["id", "amount", "note"])
    writer.writerows([[PAYLOADS[0], Decimal("-4.50"), "-1+1"], ["ok", -3, "fine"]])
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows == [["id", "amount", "note"], ["'" + PAYLOADS[0], "-4.50", "'-1+1"],
                    ["ok", "-3", "fine"]]
    assert stream.getvalue().endswith("\r\n")  # the csv module's dialect is kept


def test_streamed_lines_start_with_the_byte_order_mark_and_are_safe():
    lines = list(csv_lines(["a", "b"], iter([["@SUM(1+1)", 1], ["x", "\r=1"]])))
    assert lines[0] == "\ufeffa,b\r\n"
    assert list(csv.reader(io.StringIO("".join(lines[1:]), newline=""))) == [
        ["'@SUM(1+1)", "1"], ["x", "'\r=1"]]


def test_a_download_is_a_streamed_attachment():
    response = csv_download("x.csv", ["a"], [["=1+1"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert b"".join(response.streaming_content).decode() == "\ufeffa\r\n'=1+1\r\n"


# ---- Arrow --------------------------------------------------------------------------------

VALUES = PAYLOADS + PLAIN + NUMBERS_AS_TEXT + [None, "-5\n", "-1,5"]


def test_arrow_columns_follow_the_same_rule_as_cells():
    table = pa.table({
        "string": pa.array(VALUES, pa.string()),
        "large": pa.array(VALUES, pa.large_string()),
        "dictionary": pa.array(VALUES, pa.string()).dictionary_encode(),
        "chunked": pa.chunked_array([VALUES[:7], VALUES[7:]], pa.string()),
        "line": pa.array(range(len(VALUES)), pa.int64()),
    })
    safe = safe_arrow_table(table)
    assert safe.schema == table.schema  # types kept: dictionaries stay dictionaries
    expected = [safe_cell(v) for v in VALUES]
    for name in ("string", "large", "dictionary", "chunked"):
        assert safe.column(name).to_pylist() == expected, name
    assert safe.column("line").to_pylist() == list(range(len(VALUES)))


def test_an_arrow_table_with_nothing_to_neutralize_is_returned_as_it_is():
    table = pa.table({"a": ["x", None, "-5"], "b": [1, 2, 3]})
    assert safe_arrow_table(table).equals(table)


def test_a_table_written_with_pyarrow_csv_reads_back_safe():
    table = pa.table({"line": pa.array([1, 2, 3], pa.int64()),
                      "value": ["=cmd|' /C calc'!A0", "-12.5", "\t@SUM(1)"]})
    out = io.BytesIO()
    pcsv.write_csv(safe_arrow_table(table), out)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode(), newline="")))
    assert rows == [["line", "value"], ["1", "'=cmd|' /C calc'!A0"], ["2", "-12.5"],
                    ["3", "'\t@SUM(1)"]]
