"""Importing interaction records: every format, rejects with their line, counts that reconcile,
re-imports that update, undo, exclusions, mappings, API batches and queued imports."""

import csv
import datetime as dt
import json

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.exceptions import ValidationError

from outsidein.common.models import AuditEntry
from outsidein.interactions.models import ImportStatus, InteractionImport
from outsidein.interactions.selectors import interaction_store
from outsidein.interactions.services import (
    ImportFailed,
    interactions_import,
    interactions_import_enqueue,
    interactions_import_records,
    interactions_import_undo,
    source_mapping_create,
)
from outsidein.interactions.tasks import import_records_task
from tests.factories import person

pytestmark = pytest.mark.django_db
UTC = dt.UTC
HEADER = ["record_id", "channel", "organization", "call_started", "answered", "rings",
          "exclusion_reason"]


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path, province_world):
    """Records name the shared world's ministries (health, transport)."""
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


def write_csv(path, rows, header=HEADER, delimiter=",", encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def calls(n, *, rings=2, office="health", start=dt.datetime(2025, 3, 3, 9, 0)):
    return [[f"C{i}", "telephone", office, f"{start + dt.timedelta(minutes=i):%Y-%m-%d %H:%M:%S}",
             f"{start + dt.timedelta(minutes=i, seconds=6 * rings):%Y-%m-%d %H:%M:%S}", rings, ""]
            for i in range(n)]


def stored_rings() -> dict[str, int]:
    table = interaction_store().table(["record_id", "rings"])
    return dict(zip(table["record_id"].to_pylist(), table["rings"].to_pylist(), strict=True))


def rejects_of(report) -> list[dict]:
    with open(report.rejects_path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_with_semicolons_bom_and_windows_encoding(tmp_path):
    rows = calls(3)
    rows[0][6] = "grève"  # a labour disruption, in French, in Windows-1252
    for name, encoding in (("bom.csv", "utf-8-sig"), ("win.csv", "cp1252")):
        path = write_csv(tmp_path / name, rows, delimiter=";", encoding=encoding)
        report = interactions_import(path=path, source=f"acd-{name}")
        assert (report.rows_read, report.stored, report.rejected) == (3, 3, 0)
        assert report.excluded_by_reason == {"grève": 1}
    table = interaction_store().table()
    assert table.num_rows == 6
    assert set(table["exclusion_reason"].drop_null().to_pylist()) == {"grève"}
    # 09:00 in Toronto on March 3 (standard time) is 14:00 UTC.
    assert table["call_started_at"][0].as_py() == dt.datetime(2025, 3, 3, 14, 0, tzinfo=UTC)


def test_xlsx_parquet_and_json_lines_import_alike(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for row in calls(2):
        book.active.append([row[0], row[1], row[2], dt.datetime.fromisoformat(row[3]),
                            dt.datetime.fromisoformat(row[4]), row[5], None])
    book.save(tmp_path / "calls.xlsx")
    pq.write_table(pa.table({
        "record_id": ["P1", "P2"], "channel": ["telephone"] * 2, "organization": ["transport"] * 2,
        "call_started": pa.array([dt.datetime(2025, 3, 3, 14, m, tzinfo=UTC) for m in (0, 1)],
                                 pa.timestamp("ms", tz="UTC")),
        "rings": pa.array([1, 4], pa.int16())}), tmp_path / "calls.parquet")
    with open(tmp_path / "calls.jsonl", "w") as handle:
        for i in range(2):
            handle.write(json.dumps({"record_id": f"J{i}", "channel": "telephone",
                                     "organization": "health",
                                     "call_started": f"2025-03-03T09:0{i}:00-05:00",
                                     "rings": i}) + "\n")
    for name in ("calls.xlsx", "calls.parquet", "calls.jsonl"):
        report = interactions_import(path=tmp_path / name, source=name)
        assert (report.rows_read, report.stored, report.rejected) == (2, 2, 0), name
    table = interaction_store().table()
    assert table.num_rows == 6
    # 09:00 and 09:01 in Toronto, whether written as local time, with an offset, or in UTC.
    assert set(table["call_started_at"].to_pylist()) == {
        dt.datetime(2025, 3, 3, 14, minute, tzinfo=UTC) for minute in (0, 1)}
    assert InteractionImport.objects.get(source="calls.xlsx").file_format == "xlsx"


def test_bad_rows_are_rejected_with_line_field_value_and_reason(tmp_path):
    rows = calls(6)
    rows[1][5] = "three"                      # not a number
    rows[2][4] = "2025-03-03 08:00:00"        # answered before the call started
    rows[3][3] = "2099-01-01 10:00:00"        # in the future
    rows[3][4] = "2099-01-01 10:00:10"
    rows[4][1] = "pigeon"                     # no such channel
    rows[5][0] = ""                           # no identifier
    path = write_csv(tmp_path / "bad.csv", rows)
    report = interactions_import(path=path, source="acd")
    assert (report.rows_read, report.stored, report.updated, report.rejected) == (6, 1, 0, 5)
    assert report.reconciles
    rejects = rejects_of(report)
    by_line = {(r["line"], r["field"]): r for r in rejects}
    assert by_line[("3", "rings")]["value"] == "three"
    assert by_line[("3", "rings")]["reason"] == "not a whole number of 0 or more"
    assert by_line[("4", "answered_at")]["reason"] == "before call_started_at (2025-03-03 09:02:00)"
    assert by_line[("5", "call_started_at")]["reason"].startswith("in the future")
    assert by_line[("6", "channel")]["value"] == "pigeon"
    assert by_line[("7", "record_id")]["reason"].startswith("missing")
    assert all(r["line"] and r["field"] and r["reason"] for r in rejects)
    record = InteractionImport.objects.get(pk=report.import_id)
    assert (record.status, record.rejected, record.rejects_path) == (
        ImportStatus.DONE, 5, report.rejects_path)
    assert stored_rings() == {"C0": 2}


def test_reimport_updates_and_never_duplicates(tmp_path):
    path = write_csv(tmp_path / "calls.csv", calls(50))
    first = interactions_import(path=path, source="acd")
    again = interactions_import(path=path, source="acd")
    assert (first.stored, first.updated) == (50, 0)
    assert (again.rows_read, again.stored, again.updated, again.rejected) == (50, 0, 50, 0)
    assert interaction_store().count() == 50


def test_undo_restores_previous_versions_and_a_first_import_leaves_nothing(tmp_path):
    first = interactions_import(path=write_csv(tmp_path / "a.csv", calls(10, rings=2)),
                                source="acd")
    second = interactions_import(path=write_csv(tmp_path / "b.csv", calls(15, rings=5)),
                                 source="acd")
    assert (second.stored, second.updated) == (5, 10)
    record, result = interactions_import_undo(import_id=second.import_id)
    assert (result.removed, result.restored) == (15, 10)
    assert record.status == ImportStatus.UNDONE
    assert stored_rings() == {f"C{i}": 2 for i in range(10)}
    with pytest.raises(ValidationError):
        interactions_import_undo(import_id=second.import_id)  # only once
    interactions_import_undo(import_id=first.import_id)
    assert interaction_store().count() == 0
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"interactions.import", "interactions.import_undo"} <= actions


def test_exclusion_reasons_are_kept_and_counted(tmp_path):
    rows = calls(5)
    rows[0][6] = rows[1][6] = "labour disruption"
    rows[2][6] = "system outage"
    report = interactions_import(path=write_csv(tmp_path / "x.csv", rows), source="acd")
    assert report.stored == 5
    assert report.excluded == 3
    assert report.excluded_by_reason == {"labour disruption": 2, "system outage": 1}
    record = InteractionImport.objects.get(pk=report.import_id)
    assert record.excluded_by_reason == {"labour disruption": 2, "system outage": 1}


def test_a_saved_mapping_with_its_own_columns_format_and_time_zone(tmp_path):
    source_mapping_create(
        name="vancouver-mail", source="mailroom", time_zone="America/Vancouver",
        timestamp_format="%d/%m/%Y %H:%M", channel="mail",
        column_map={"Item": "record_id", "Office": "organization", "Received": "received",
                    "Replied": "responded_at"},
        constants={"service": "S1"})
    path = write_csv(tmp_path / "mail.csv", [["M1", "transport", "31/01/2025 16:30", "03/02/2025 09:00"],
                                             ["M2", "transport", "30/02/2025 09:00", ""]],
                     header=["Item", "Office", "Received", "Replied"])
    report = interactions_import(path=path, source="mailroom")  # the source's only mapping
    assert (report.stored, report.rejected) == (1, 1)
    assert rejects_of(report)[0]["reason"] == "not a date and time in the format %d/%m/%Y %H:%M"
    row = interaction_store().table().to_pylist()[0]
    assert row["channel"] == "mail" and row["service"] == "S1" and row["source"] == "mailroom"
    assert row["received_at"] == dt.datetime(2025, 2, 1, 0, 30, tzinfo=UTC)
    assert row["responded_at"] == dt.datetime(2025, 2, 3, 17, 0, tzinfo=UTC)
    assert row["source_line"] == 2


def test_small_batches_give_what_one_batch_gives(tmp_path):
    rows = calls(200)
    rows[17][5] = "bad"
    rows[150][4] = "2025-03-03 08:00:00"
    path = write_csv(tmp_path / "calls.csv", rows)
    small = interactions_import(path=path, source="small", batch_rows=7)
    whole = interactions_import(path=path, source="whole")
    assert (small.rows_read, small.stored, small.rejected) == (whole.rows_read, whole.stored,
                                                               whole.rejected)
    assert rejects_of(small) == rejects_of(whole)
    table = interaction_store().table().drop_columns(["import_id"])
    by_source = {s: table.filter(pa.compute.equal(table["source"], s)).drop_columns(["source"])
                 .sort_by("record_id") for s in ("small", "whole")}
    assert by_source["small"].equals(by_source["whole"])


def test_a_dry_run_counts_and_stores_nothing(tmp_path):
    path = write_csv(tmp_path / "calls.csv", calls(4))
    interactions_import(path=path, source="acd")
    rows = calls(6)
    rows[5][5] = "x"
    report = interactions_import(path=write_csv(tmp_path / "more.csv", rows), source="acd",
                                 dry_run=True)
    assert (report.stored, report.updated, report.rejected, report.dry_run) == (1, 4, 1, True)
    assert interaction_store().count() == 4
    with pytest.raises(ValidationError):
        interactions_import_undo(import_id=report.import_id)


def test_an_unreadable_file_fails_as_a_whole_and_stores_nothing(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("call,when\n1,2025-03-01\n")
    with pytest.raises(ImportFailed, match="record_id"):
        interactions_import(path=path, source="acd")
    record = InteractionImport.objects.get()
    assert record.status == ImportStatus.FAILED and "record_id" in record.error
    assert interaction_store().count() == 0


def test_records_as_dicts_as_the_api_sends_them():
    report = interactions_import_records(source="web", records=[
        {"record_id": "W1", "channel": "online", "organization": "health",
         "submitted_at": "2025-03-01T10:00:00Z", "completed_at": "2025-03-02T10:00:00Z",
         "fee_paid": 25.5, "guarantee_eligible": True, "tier": "premium"},
        {"record_id": "W2", "channel": "online", "submitted_at": "2025-03-01T10:00:00Z",
         "completed_at": "2025-02-01T10:00:00Z"},
    ], by=person("lead"))
    assert (report.rows_read, report.stored, report.rejected) == (2, 1, 1)
    assert report.rejects[0].line == 2 and report.rejects[0].field == "completed_at"
    row = interaction_store().table().to_pylist()[0]
    assert (str(row["fee_paid"]), row["guarantee_eligible"], row["tier"]) == ("25.50", True,
                                                                              "premium")
    assert InteractionImport.objects.get(pk=report.import_id).by.username == "lead"


def test_a_queued_import_runs_as_a_task_and_records_its_progress(tmp_path,
                                                                  django_capture_on_commit_callbacks):
    path = write_csv(tmp_path / "calls.csv", calls(3))
    with open(path, "rb") as upload, django_capture_on_commit_callbacks() as callbacks:
        record = interactions_import_enqueue(file=upload, file_name="calls.csv", source="acd")
    assert record.status == ImportStatus.QUEUED and len(callbacks) == 1
    result = import_records_task.call(record.pk)
    assert result["stored"] == 3
    record.refresh_from_db()
    assert (record.status, record.progress, record.stored) == (ImportStatus.DONE, 1.0, 3)


def recompute_reasons() -> list[str]:
    from django_tasks_db.models import DBTaskResult

    return [row["kwargs"]["reason"] for row in DBTaskResult.objects.filter(
        task_path="outsidein.compliance.tasks.recompute_task")
        .order_by("enqueued_at").values_list("args_kwargs", flat=True)]


def test_an_import_and_its_undo_queue_a_recompute_and_a_dry_run_does_not(
        tmp_path, django_capture_on_commit_callbacks):
    path = write_csv(tmp_path / "calls.csv", calls(3))
    with django_capture_on_commit_callbacks(execute=True):
        interactions_import(path=path, source="acd", dry_run=True)
    assert recompute_reasons() == []
    with django_capture_on_commit_callbacks(execute=True):
        report = interactions_import(path=path, source="acd")
    reasons = recompute_reasons()
    assert reasons == [f"import {report.import_id} of acd"]
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.update(status="SUCCESSFUL")  # the worker ran it
    with django_capture_on_commit_callbacks(execute=True):
        interactions_import_undo(import_id=report.import_id)
    assert recompute_reasons()[-1] == f"import {report.import_id} of acd undone"


# ---- bad input: mixed encodings, files that are not CSV, over-long values ---------------------

def mixed_encoding_file(path):
    """Calls from Québec: UTF-8, except lines 3 and 5, saved from an older Windows program."""
    rows = calls(5)
    body = ",".join(HEADER).encode() + b"\n"
    for line, row in enumerate(rows, start=2):
        row[6] = "grève à Québec"
        text = ",".join(str(v) for v in row) + "\n"
        body += text.encode("cp1252" if line in (3, 5) else "utf-8")
    path.write_bytes(body)
    return path


def test_a_file_mixing_encodings_fails_naming_the_lines_and_stores_nothing(tmp_path):
    path = mixed_encoding_file(tmp_path / "calls.csv")
    message = ("Lines 3 and 5 are not UTF-8 although the rest of the file is: choose the "
               "file's encoding.")
    with pytest.raises(ImportFailed) as failed:
        interactions_import(path=path, source="acd")
    assert str(failed.value) == message
    record = InteractionImport.objects.get()
    assert (record.status, record.error, record.stored) == (ImportStatus.FAILED, message, 0)
    assert interaction_store().count() == 0


def test_a_chosen_encoding_reads_the_mixed_file_as_chosen(tmp_path):
    path = mixed_encoding_file(tmp_path / "calls.csv")
    report = interactions_import(path=path, source="acd", encoding="cp1252")
    assert (report.rows_read, report.stored, report.rejected) == (5, 5, 0)
    # Windows-1252 reads the UTF-8 lines' accents as two characters each, as asked.
    misread = "grève à Québec".encode().decode("cp1252")
    assert misread.startswith("grÃ¨ve")
    assert report.excluded_by_reason == {"grève à Québec": 2, misread: 3}
    assert InteractionImport.objects.get(pk=report.import_id).encoding == "cp1252"

    again = interactions_import(path=path, source="acd-utf8", encoding="utf-8")
    assert (again.rows_read, again.stored, again.rejected) == (5, 3, 2)
    assert again.reconciles
    assert [(r["line"], r["reason"]) for r in rejects_of(again)] == [
        ("3", "cannot be read as UTF-8 text, the encoding chosen for the file"),
        ("5", "cannot be read as UTF-8 text, the encoding chosen for the file")]
    assert again.excluded_by_reason == {"grève à Québec": 3}


def test_a_saved_mapping_s_encoding_is_used_and_the_chosen_one_wins(tmp_path):
    path = mixed_encoding_file(tmp_path / "calls.csv")
    source_mapping_create(name="acd-win", source="acd", encoding="cp1252")
    assert interactions_import(path=path, source="acd").stored == 5
    report = interactions_import(path=path, source="acd", encoding="utf-8")
    assert (report.stored, report.updated, report.rejected) == (0, 3, 2)


@pytest.mark.parametrize(("content", "what"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100), "a PNG image"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
    (b"PK\x03\x04" + bytes(100), "a ZIP archive"),
])
def test_a_file_that_is_not_csv_fails_saying_what_it_looks_like(tmp_path, content, what):
    path = tmp_path / "calls.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFailed, match=f"^This file looks like {what}, not a CSV file.$"):
        interactions_import(path=path, source="acd")
    assert InteractionImport.objects.get().status == ImportStatus.FAILED
    assert interaction_store().count() == 0


def test_random_bytes_fail_as_binary_data(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(20_000)))
    with pytest.raises(ImportFailed) as failed:
        interactions_import(path=path, source="acd")
    assert str(failed.value) == "This file contains binary data, not text: it is not a CSV file."


def test_a_5_mb_value_is_a_reject_naming_the_field_and_its_limit(tmp_path):
    rows = calls(4)
    rows[1][0] = "C" * (5 << 20)  # a 5 MB "identifier"
    rows[2][6] = "strike " * 200  # 1,400 characters of exclusion reason
    path = write_csv(tmp_path / "calls.csv", rows)
    report = interactions_import(path=path, source="acd")
    assert (report.rows_read, report.stored, report.rejected) == (4, 2, 2)
    assert report.rows_read == report.stored + report.updated + report.rejected
    rejects = rejects_of(report)
    assert [(r["line"], r["field"], r["reason"]) for r in rejects] == [
        ("3", "record_id", "too long: record_id holds at most 200 characters"),
        ("4", "exclusion_reason", "too long: exclusion_reason holds at most 1000 characters")]
    # The report shows the start of the value, not 5 MB of it.
    assert rejects[0]["value"] == "C" * 200 + "…"
    assert sorted(stored_rings()) == ["C0", "C3"]
