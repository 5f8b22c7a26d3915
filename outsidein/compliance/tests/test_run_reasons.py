"""`outsidein compliance run`: --as-of and --force of its own, and a report of what was computed,
what was skipped, and why."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from outsidein.cli import main
from outsidein.compliance.services import compliance_run
from outsidein.compliance.tests.recordsets import at, record, write_dataset
from outsidein.compliance.tests.test_services import O1, results
from outsidein.compliance.tests.test_services import tree as tree  # noqa: F401 (fixture)
from tests import factories

pytestmark = pytest.mark.django_db


def run(capsys, *args: str) -> str:
    assert main(["compliance", "run", *args]) == 0
    return capsys.readouterr().out


def test_a_plain_run_says_which_versions_it_skipped_and_why_and_force_recomputes(tree, tmp_path, capsys):
    factories.common_mail_standard(tree["m1"])
    factories.common_mail_standard(tree["m1"], code="CSS-MAIL-INTERIM", clock_stop="acknowledged",
                                   threshold=5)
    write_dataset(tmp_path / "interactions", [
        record(organization=O1, received_at=at("2025-07-02 09:00"), responded_at=at("2025-07-03 09:00"),
               acknowledged_at=at("2025-07-02 10:00"))])
    with override_settings(DATA_DIR=tmp_path):
        first = run(capsys, "--as-of", "2025-12-31")
        # One record, counted once by each version.
        assert "2 version(s): 2 computed (no results yet); 2 records" in first
        again = run(capsys, "--as-of", "2025-12-31", "--explain")
        assert "2 version(s): 0 computed, 2 unchanged (same inputs as stored); 0 records" in again
        assert "  CSS-MAIL-RESPONSE v1: unchanged (same inputs as stored)" in again
        forced = run(capsys, "--as-of", "2025-12-31", "--force", "--engine", "duckdb")
        assert "2 version(s): 2 computed (forced)" in forced
        # A new file in the store changes both versions' inputs (both read mail).
        write_dataset(tmp_path / "interactions", [
            record(organization=O1, received_at=at("2025-08-04 09:00"))])
        changed = run(capsys, "--as-of", "2025-12-31")
        assert "2 version(s): 2 computed (inputs changed); 4 records" in changed


def test_as_of_a_date_counts_records_as_they_stood_at_the_end_of_that_day(tree, tmp_path, capsys):
    factories.common_mail_standard(tree["m1"])
    write_dataset(tmp_path / "interactions", [
        # Answered after 2025-07-10: as of that date, still open and within 15 business days.
        record(organization=O1, received_at=at("2025-07-02 09:00"), responded_at=at("2025-07-14 09:00")),
        record(organization=O1, received_at=at("2025-07-11 09:00"), responded_at=at("2025-07-11 10:00")),
    ])
    with override_settings(DATA_DIR=tmp_path):
        out = run(capsys, "--as-of", "2025-07-10")
        toronto = dt.datetime(2025, 7, 10, 23, 59, 59, tzinfo=ZoneInfo("America/Toronto"))
        assert "as of 2025-07-11 03:59 UTC" in out
        month = results(period_kind="month").get()
        assert (month.total, month.pending, month.as_of) == (0, 1, toronto)
        # The clock moves on while an item was pending: the next run recomputes, and says why.
        later = run(capsys, "--as-of", "2025-12-31T12:00:00+00:00")
        assert "1 computed (items were pending)" in later
        assert results(period_kind="month").get().meeting == 2
        # Back to the earlier date: recomputed for that other instant, then the same as before.
        back = run(capsys, "--as-of", "2025-07-10")
        assert "1 computed (another as-of instant)" in back
        assert results(period_kind="month").get().pending == 1


def test_a_bad_as_of_is_one_line_error(tree, tmp_path, capsys):
    with override_settings(DATA_DIR=tmp_path):
        assert main(["compliance", "run", "--as-of", "2025-13-40"]) == 1
        assert main(["compliance", "run", "--as-of", "2025-07-10T12:00"]) == 1
    assert "needs a time zone" in capsys.readouterr().err


def test_the_report_lists_mixed_reasons_by_count(tree, tmp_path):
    factories.common_mail_standard(tree["m1"])
    root = write_dataset(tmp_path / "interactions", [
        record(organization=O1, received_at=at("2025-07-02 09:00"), responded_at=at("2025-07-03 09:00"))])
    compliance_run(dataset=root, as_of=dt.datetime(2025, 12, 31, tzinfo=dt.UTC))
    factories.common_mail_standard(tree["m1"], code="CSS-MAIL-INTERIM", clock_stop="acknowledged",
                                   threshold=5)
    report = compliance_run(dataset=root, as_of=dt.datetime(2025, 12, 31, 6, tzinfo=dt.UTC))
    assert report.reasons == {"CSS-MAIL-RESPONSE v1": "same inputs as stored",
                              "CSS-MAIL-INTERIM v1": "no results yet"}
    assert str(report).startswith("2 version(s): 1 computed (no results yet), 1 unchanged (same "
                                  "inputs as stored); 1 records")
