"""bench/compliance.py end to end at a small size: it runs, agrees, and its check can fail."""

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from bench import compliance


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory):
    """One run over 20,000 records (every phase, each in its own process), kept for reading."""
    import contextlib
    import io

    folder = tmp_path_factory.mktemp("bench")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = compliance.main(["--rows", "20000", "--keep", str(folder)])
    return folder, status, printed.getvalue()


def test_a_small_run_exits_0_with_every_cell_agreeing_and_items_pending(bench_run):
    folder, status, printed = bench_run
    assert status == 0, printed
    assert "every cell the same" in printed
    assert "FAILED" not in printed
    for line in ("floor, same histogram", "floor, counts only", "engine/floor", "load "):
        assert line in printed
    # The as-of instant lies inside the data: open items are pending, in every implementation.
    for phase in ("engine", "pandas", "floor"):
        cells = pq.read_table(folder / f"cells-{phase}.parquet")
        assert pc.sum(cells["pending"]).as_py() > 0
        assert pc.count(cells["p90"]).as_py() > 0


@pytest.mark.parametrize("column, change", [
    ("pending", lambda v: v + 1), ("p90", lambda v: (v or 0) + 0.5),
    ("excluded", lambda v: '{"labour disruption": 99}'),
])
def test_the_check_names_a_cell_the_engine_got_wrong(bench_run, tmp_path, column, change):
    folder, _status, _printed = bench_run
    for phase in ("engine", "pandas", "floor"):
        (tmp_path / f"cells-{phase}.parquet").write_bytes(
            (folder / f"cells-{phase}.parquet").read_bytes())
    cells = pq.read_table(tmp_path / "cells-engine.parquet").to_pylist()
    cells[7][column] = change(cells[7][column])
    pq.write_table(pq.read_table(tmp_path / "cells-engine.parquet").from_pylist(
        cells, schema=compliance._bench_cells.CELL_SCHEMA), tmp_path / "cells-engine.parquet")

    _cells, differences = compliance.check_agreement(tmp_path, ["engine", "pandas", "floor"])
    # The altered cell differs from both the baseline and the floor, and nothing else does.
    assert len(differences) == 2, differences
    assert all(column in line for line in differences)
    assert compliance._agreement(tmp_path, ["engine", "pandas", "floor"]) == 2


def test_a_cell_only_one_implementation_has_is_a_difference(bench_run, tmp_path):
    folder, _status, _printed = bench_run
    for phase in ("engine", "floor"):
        table = pq.read_table(folder / f"cells-{phase}.parquet")
        if phase == "floor":
            table = table.slice(1)
        pq.write_table(table, tmp_path / f"cells-{phase}.parquet")
    _cells, differences = compliance.check_agreement(tmp_path, ["engine", "floor"])
    assert len(differences) == 1 and "only in engine" in differences[0]


def test_a_failed_phase_makes_the_run_exit_non_zero(bench_run, tmp_path):
    import contextlib
    import io
    import shutil

    folder, _status, _printed = bench_run
    shutil.copytree(folder / "data", tmp_path / "data")
    # A damaged file in the store: the floor cannot read it.
    victim = sorted((tmp_path / "data" / "interactions").rglob("*.parquet"))[0]
    victim.write_bytes(b"not parquet")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = compliance.main(["--rows", "20000", "--keep", str(tmp_path),
                                  "--skip", "csv,engine,pandas,floor-min"])
    assert status == 1
    assert "floor: FAILED" in printed.getvalue() and "FAILED phase(s): floor" in printed.getvalue()
