"""`outsidein standards import|export --format gc`, run as a user runs it: a separate process
on its own database, with the real 2023-24 service-standards file."""

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from outsidein.exchange.gc_standards.layout import COLUMNS

OUTSIDEIN = Path(sys.executable).parent / "outsidein"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A data directory and a migrated SQLite database of its own, with a runner for commands."""
    if not OUTSIDEIN.exists():
        pytest.fail(f"{OUTSIDEIN} is missing: reinstall the project (pip install -e .)")
    home = tmp_path_factory.mktemp("outsidein-standards")
    env = dict(os.environ)
    env.update(OUTSIDEIN_DATA_DIR=str(home), DATABASE_URL=f"sqlite:///{home / 'db.sqlite3'}",
               DJANGO_SETTINGS_MODULE="config.settings", PYTHONUNBUFFERED="1")

    def run(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
        return subprocess.run([str(OUTSIDEIN), *args], env=env, capture_output=True, text=True,
                              timeout=timeout, check=False)

    migrated = run("migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    run.home = home
    return run


def _one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


FINDINGS = ("Data-quality findings: 587 (reported, not failures)\n"
            "  zero_volume: 286\n  missing_volume: 189\n  missing_meeting_volume: 54\n"
            "  zero_target: 43\n  reused_standard_id: 6\n  performance_above_one: 6\n"
            "  placeholder_standard_id: 3\n")


def test_real_file_imports_with_findings_exit_0_exports_byte_for_byte_and_reimports_unchanged(
        site, gc_files):
    SS = gc_files.ss  # noqa: N806 (the file's name in this module)
    first = site("standards", "import", str(SS), "--format", "gc")
    # Data-quality findings are reported, not failures: the exit status is 0.
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""  # not a terminal: no progress bar
    assert re.search(r"^Read 2,343 rows: 2,343 created, 0 updated, 0 unchanged, 0 rejected "
                     r"\(standards: 2,343 created \(2,343 versions\); services: 1,001 created; "
                     r"organizations: 62 created, 0 updated, plus the Government of Canada "
                     r"root\) in [\d.]+ s\n"
                     r"Complete rows checked: 1,783; recomputed performance and target met "
                     r"equal the published values on 1,783\n", first.stdout), first.stdout
    assert first.stdout.endswith(FINDINGS)

    exported = site.home / "ss.csv"
    result = site("standards", "export", str(exported), "--format", "gc")
    assert result.returncode == 0 and f"Wrote 2,343 rows to {exported}" in result.stdout
    assert exported.read_bytes() == SS.read_bytes()

    report = site.home / "report.csv"
    again = site("standards", "import", str(exported), "--format", "gc", "--report", str(report))
    assert again.returncode == 0, again.stderr
    assert "Read 2,343 rows: 0 created, 0 updated, 2,343 unchanged, 0 rejected" in again.stdout
    assert again.stdout.endswith(FINDINGS + f"Rejects and findings written to {report}\n")
    with report.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 587 and {row["kind"] for row in rows} == {"finding"}

    listed = site("standards", "import", str(SS), "--format", "gc", "--dry-run",
                  "--list-findings")
    assert listed.returncode == 0
    assert listed.stdout.startswith("  finding line ")
    assert listed.stdout.count("\n  finding line ") == 586
    assert "Dry run, nothing stored.\nRead 2,343 rows: 0 created" in listed.stdout


def _crafted(path: Path) -> Path:
    base = dict.fromkeys(COLUMNS, "")
    base.update(fiscal_yr="2023-2024", service_id="C1", service_name_en="Test permit",
                service_name_fr="Permis d'essai", service_standard_en="Within 10 days",
                service_standard_fr="En 10 jours", type="TML", channel="ONL", target="0.8",
                volume_meeting_target="8", total_volume="10", performance="0.8",
                target_met="Y", owner_org="cli-agency",
                owner_org_title="CLI Agency | Agence CLI")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
    writer.writeheader()
    writer.writerow({**base, "service_standard_id": "K1"})
    writer.writerow({**base, "service_standard_id": "K2", "channel": "PIGEON"})
    writer.writerow({**base, "service_standard_id": "K3", "total_volume": "0",
                     "volume_meeting_target": "0", "performance": "", "target_met": "NA"})
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_rejected_rows_are_listed_exit_1_and_the_good_rows_are_stored(site):
    bad = str(_crafted(site.home / "bad.csv"))
    result = site("standards", "import", bad, "--format", "gc")
    assert result.returncode == 1
    assert ("rejected line 3: channel 'PIGEON': is not one of ONL, EML, TEL, POST, PERSON, FAX, "
            "OTH") in result.stdout
    assert "Read 3 rows: 2 created, 0 updated, 0 unchanged, 1 rejected" in result.stdout
    assert "  zero_volume: 1" in result.stdout
    assert _one_line_error(result) == ("outsidein: error: 1 row(s) rejected (listed above); "
                                       "the other rows were stored.")
    stored = site("standards", "export", str(site.home / "cli.csv"), "--format", "gc",
                  "--organization", "cli-agency")
    assert stored.returncode == 0 and "Wrote 2 rows to" in stored.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["standards", "import", "/no/such/file.csv", "--format", "gc"],
     "outsidein: error: no such file: /no/such/file.csv"),
    (["standards", "import", "{home}/bad.csv", "--format", "xml"],
     "outsidein: error: unknown format 'xml' (known: gc)"),
    (["standards", "export", "{home}/x.csv", "--format", "gc", "--organization", "nobody"],
     "outsidein: error: no organization with code nobody"),
    (["standards", "import", "{home}/not-gc.csv", "--format", "gc"],
     "outsidein: error: {home}/not-gc.csv: line 1: the header lacks required column(s) "
     "fiscal_yr, service_id, service_standard_id, service_standard_en, service_standard_fr, "
     "type, channel; is this the GC service-standards layout?"),
])
def test_expected_failures_print_one_line_without_a_traceback(site, args, message):
    _crafted(site.home / "bad.csv")
    (site.home / "not-gc.csv").write_text("owner_org,owner_org_title\r\nx,X | X\r\n")
    args = [a.format(home=site.home) for a in args]
    assert _one_line_error(site(*args)) == message.format(home=site.home)
