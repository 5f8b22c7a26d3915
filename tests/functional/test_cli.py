"""The `outsidein` console script, run as a user runs it: a separate process on its own database."""

import csv
import io
import os
import re
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from outsidein.exchange.gc_inventory.layout import COLUMNS
from tests.functional.processes import OUTSIDEIN
from tests.functional.processes import free_port as _free_port
from tests.functional.processes import outsidein_env as _env


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A data directory and a migrated SQLite database of its own, with a runner for commands."""
    if not OUTSIDEIN.exists():
        pytest.fail(f"{OUTSIDEIN} is missing: reinstall the project (pip install -e .)")
    home = tmp_path_factory.mktemp("outsidein")
    env = _env(home, home / "db.sqlite3")

    def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([str(OUTSIDEIN), *args], env=env, capture_output=True, text=True,
                              timeout=timeout, check=False)

    migrated = run("migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    run.home = home
    run.env = env
    return run


def _one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    # Only the command's own lines: a dependency's warning on stderr is not our message.
    lines = [line for line in result.stderr.splitlines() if line.startswith("outsidein:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_import_real_file_prints_counts_and_a_second_import_changes_nothing(site, gc_files):
    SI = gc_files.si  # noqa: N806 (the file's name in this module)
    first = site("inventory", "import", str(SI), "--format", "gc")
    assert first.returncode == 0, first.stderr
    assert re.search(r"Read 1,752 rows: 1,752 created, 0 updated, 0 unchanged, 0 rejected "
                     r"\(services: 1,751 created, 0 updated; organizations: 79 created, "
                     r"0 updated, plus the Government of Canada root\) in [\d.]+ s",
                     first.stdout), first.stdout
    # Not a terminal here: no progress bar on stderr.
    assert first.stderr == ""

    second = site("inventory", "import", str(SI), "--format", "gc")
    assert second.returncode == 0
    assert "Read 1,752 rows: 0 created, 0 updated, 1,752 unchanged, 0 rejected" in second.stdout

    exported = site.home / "export.csv"
    result = site("inventory", "export", str(exported), "--format", "gc")
    assert result.returncode == 0
    assert f"Wrote 1,752 rows to {exported}" in result.stdout
    with exported.open(encoding="utf-8-sig", newline="") as a, \
            SI.open(encoding="utf-8-sig", newline="") as b:
        assert sorted(a.read().split("\r\n")) == sorted(b.read().split("\r\n"))


    one = site("inventory", "export", str(site.home / "rcmp.csv"), "--format", "gc",
               "--organization", "rcmp-grc")
    assert one.returncode == 0 and "Wrote 68 rows" in one.stdout


def _crafted(path: Path) -> Path:
    base = dict.fromkeys(COLUMNS, "")
    base.update(fiscal_yr="2023-2024", service_name_en="Test permit",
                service_name_fr="Permis d'essai", service_fee="N", owner_org="cli-agency",
                owner_org_title="CLI Agency | Agence CLI")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
    writer.writeheader()
    writer.writerow({**base, "service_id": "C1"})
    writer.writerow({**base, "service_id": "C2", "service_fee": "maybe"})
    writer.writerow({**base, "service_id": ""})
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_rejected_rows_are_listed_exit_1_and_the_good_rows_are_stored(site):
    bad = str(_crafted(site.home / "bad.csv"))
    trial = site("inventory", "import", bad, "--format", "gc", "--dry-run")
    assert trial.returncode == 1
    assert trial.stdout.splitlines()[-1].startswith("Dry run, nothing stored. Read 3 rows: "
                                                    "1 created, 0 updated, 0 unchanged, "
                                                    "2 rejected")
    assert _one_line_error(trial).endswith("the other rows would be stored.")

    result = site("inventory", "import", bad, "--format", "gc")
    assert result.returncode == 1
    assert "rejected line 3: service_fee 'maybe': must be Y or N" in result.stdout
    assert "rejected line 4: service_id '': is empty" in result.stdout
    assert "Read 3 rows: 1 created, 0 updated, 0 unchanged, 2 rejected" in result.stdout
    assert _one_line_error(result) == ("outsidein: error: 2 row(s) rejected (listed above); "
                                       "the other rows were stored.")
    stored = site("inventory", "export", str(site.home / "cli.csv"), "--format", "gc",
                  "--organization", "cli-agency")
    assert "Wrote 1 row to" in stored.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["inventory", "import", "/no/such/file.csv", "--format", "gc"],
     "outsidein: error: no such file: /no/such/file.csv"),
    (["inventory", "import", "{home}/bad.csv", "--format", "xml"],
     "outsidein: error: unknown format 'xml' (known: gc)"),
    (["inventory", "export", "{home}/x.csv", "--format", "gc", "--organization", "nobody"],
     "outsidein: error: no organization with code nobody"),
    (["inventory", "import", "{home}/not-gc.csv", "--format", "gc"],
     "outsidein: error: {home}/not-gc.csv: line 1: the header lacks required column(s) "
     "fiscal_yr, service_id, service_name_en, service_name_fr, service_fee; is this the GC "
     "service-inventory layout?"),
])
def test_expected_failures_print_one_line_without_a_traceback(site, args, message):
    _crafted(site.home / "bad.csv")
    (site.home / "not-gc.csv").write_text("owner_org,owner_org_title\r\nx,X | X\r\n")
    args = [a.format(home=site.home) for a in args]
    assert _one_line_error(site(*args)) == message.format(home=site.home)


def test_a_database_without_tables_says_to_migrate(tmp_path):
    env = _env(tmp_path, tmp_path / "empty.sqlite3")
    result = subprocess.run([str(OUTSIDEIN), "inventory", "import", str(_crafted(
        tmp_path / "bad.csv")), "--format", "gc"], env=env, capture_output=True, text=True,
        timeout=120, check=False)
    line = _one_line_error(result)
    assert line.startswith("outsidein: database error: no such table")
    assert line.endswith("(has `outsidein migrate` been run?)")


def test_manage_passes_any_django_command_through(site):
    result = site("manage", "check")
    assert result.returncode == 0
    assert "System check identified no issues" in result.stdout


def test_usage_errors_exit_non_zero(site):
    result = site("inventory", "import", "file.csv")
    assert result.returncode == 2 and "--format" in result.stderr


def test_serve_prints_its_address_and_answers(site):
    port = _free_port()
    server = subprocess.Popen([str(OUTSIDEIN), "serve", "--port", str(port)], env=site.env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == (
            f"Outside-In at http://127.0.0.1:{port}/ (Ctrl-C to stop)")
        deadline, status = time.monotonic() + 120, None
        while status is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=20) as response:
                    status = response.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                # Not listening yet (collecting static files first), or slow on a loaded machine.
                assert server.poll() is None, server.stderr.read()
                time.sleep(0.2)
        assert status is not None and status < 500
        # Beside the server, a task worker runs what is queued.
        worker = server.stdout.readline().strip()
        assert worker.startswith("Task worker started (process ")
        worker_pid = int(worker.split("process ")[1].split(")")[0])
        queued = site("manage", "shell", "--no-imports", "-c", "from outsidein.compliance.tasks import "
                      "recompute_task; print(recompute_task.enqueue(reason='test').id)")
        task_id = queued.stdout.strip()
        deadline, state = time.monotonic() + 120, ""
        while state != "SUCCESSFUL" and time.monotonic() < deadline:
            state = site("manage", "shell", "--no-imports", "-c", "from django_tasks_db.models import "
                         f"DBTaskResult; print(DBTaskResult.objects.get(id='{task_id}').status)"
                         ).stdout.strip()
            time.sleep(0.5)
        assert state == "SUCCESSFUL"
    finally:
        server.terminate()
        server.wait(timeout=30)
    time.sleep(0.5)
    assert not os.path.exists(f"/proc/{worker_pid}"), "the worker stops with the server"
