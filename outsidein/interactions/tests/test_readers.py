"""Reading files as batches: encodings, delimiters, quoted line breaks, blank and ragged lines,
and the line of every row."""

import datetime as dt
import json

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from outsidein.interactions.readers import FileError, open_reader


def rows_of(reader, columns=None, categories=()):
    """(values by column, lines, rows not split into columns) over every batch."""
    columns = columns or reader.columns
    values = {c: [] for c in columns}
    lines, invalid = [], []
    for batch in reader.batches(columns, categories):
        for c in columns:
            values[c] += batch.table[c].cast(pa.string()).to_pylist()
        lines += batch.lines.to_pylist()
        invalid += batch.invalid
    return values, lines, invalid


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "utf-16"])
def test_csv_encodings_and_semicolons(tmp_path, encoding):
    path = tmp_path / "calls.csv"
    path.write_bytes("id;office;note\n1;Sudbury;café crème\n2;Québec;à l'heure\n".encode(
        encoding))
    reader = open_reader(path)
    assert (reader.delimiter, reader.columns) == (";", ["id", "office", "note"])
    values, lines, _ = rows_of(reader)
    assert values["note"] == ["café crème", "à l'heure"]
    assert values["office"] == ["Sudbury", "Québec"]
    assert lines == [2, 3]


def test_tabs_pipes_and_commas_are_told_apart(tmp_path):
    for delimiter in ("\t", "|", ","):
        path = tmp_path / "f.csv"
        path.write_text(f"a{delimiter}b{delimiter}c\n1{delimiter}2{delimiter}3\n")
        assert open_reader(path).delimiter == delimiter


def test_lines_survive_quoted_line_breaks_blank_lines_and_ragged_rows(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('id,note,n\n1,plain,1\n2,"two\nlines",2\n\n3,x,3\n4,short\n5,x,5,extra\n'
                    '   \n6,"last, ""quoted""",6')
    values, lines, invalid = rows_of(open_reader(path))
    assert values["id"] == ["1", "2", "3", "6"]
    assert values["note"] == ["plain", "two\nlines", "x", 'last, "quoted"']
    assert lines == [2, 3, 6, 10]
    assert [(line, text) for line, text, _reason in invalid] == [(7, "4,short"),
                                                                 (8, "5,x,5,extra")]
    assert invalid[0][2] == "2 values where the header has 3 columns"


def test_small_blocks_give_the_same_rows_and_lines(tmp_path):
    path = tmp_path / "f.csv"
    body = "".join(f'{i},"a\nb {i}",{i}\n' if i % 4 == 0 else f"{i},x,{i}\n" for i in range(3000))
    path.write_text("id,note,n\n" + body)
    whole = rows_of(open_reader(path))
    reader = open_reader(path, batch_rows=7)
    reader.block_bytes = 512
    assert rows_of(reader) == whole
    assert whole[1][:5] == [2, 4, 5, 6, 7]


def test_categories_come_dictionary_encoded(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("id,office\n1,tor\n2,\n3,tor\n")
    batch = next(iter(open_reader(path).batches(["id", "office"], ("office",))))
    assert pa.types.is_dictionary(batch.table["office"].type)
    assert batch.table["office"].to_pylist() == ["tor", None, "tor"]


def test_a_quote_left_open_is_a_file_error(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('id,note\n1,"never closed\n2,x\n')
    with pytest.raises(FileError, match="not closed"):
        rows_of(open_reader(path))


def test_xlsx_rows_keep_their_sheet_row(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["call id", "started", "rings", "offered"])
    sheet.append([101, dt.datetime(2025, 3, 1, 9, 30), 2, True])
    sheet.append([None, None, None, None])
    sheet.append(["102", "2025-03-01 10:00", 3.0, False])
    path = tmp_path / "f.xlsx"
    book.save(path)
    reader = open_reader(path)
    assert reader.columns == ["call id", "started", "rings", "offered"]
    values, lines, _ = rows_of(reader)
    assert values == {"call id": ["101", "102"], "started": ["2025-03-01 09:30:00",
                                                             "2025-03-01 10:00"],
                      "rings": ["2", "3"], "offered": ["true", "false"]}
    assert lines == [2, 4]


def test_parquet_rows_are_numbered_from_one(tmp_path):
    path = tmp_path / "f.parquet"
    pq.write_table(pa.table({"id": ["a", "b", "c"], "rings": [1, 2, 3]}), path)
    reader = open_reader(path, batch_rows=2)
    values, lines, _ = rows_of(reader)
    assert values["id"] == ["a", "b", "c"] and lines == [1, 2, 3]


def test_json_lines_with_a_broken_line(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_text("\n".join([json.dumps({"id": 1, "rings": 2, "ok": True}), "",
                               "{not json", json.dumps({"id": "x2", "extra": {"a": 1}}),
                               json.dumps([1, 2])]) + "\n")
    reader = open_reader(path)
    assert reader.columns == ["id", "rings", "ok", "extra"]
    values, lines, invalid = rows_of(reader)
    assert values["id"] == ["1", "x2"] and values["ok"] == ["true", None]
    assert values["extra"] == [None, '{"a": 1}']
    assert lines == [1, 4]
    assert [(line, reason) for line, _text, reason in invalid] == [
        (3, "not JSON (Expecting property name enclosed in double quotes)"),
        (5, "not a JSON object")]


def test_unknown_files_are_refused(tmp_path):
    with pytest.raises(FileError, match="no such file"):
        open_reader(tmp_path / "missing.csv")
    (tmp_path / "f.pdf").write_bytes(b"%PDF")
    with pytest.raises(FileError, match="unknown file type"):
        open_reader(tmp_path / "f.pdf")
    (tmp_path / "dup.csv").write_text("a,b,a\n1,2,3\n")
    with pytest.raises(FileError, match="repeated column"):
        open_reader(tmp_path / "dup.csv")
