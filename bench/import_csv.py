"""Benchmark: import a generated telephone CSV end to end; print rows/s, CPU and peak memory.

    python bench/import_csv.py --rows 10000000 [--reimport] [--quote none|all] [--keep DIR]

Runs against a throw-away data directory (SQLite database, interaction store, reject reports),
so it never touches an installation's data. The CSV is what a call distributor exports: call id,
queue, office, service, local start/answer/abandon times, rings, seconds to answer, whether a
person was offered, redirects, and a few exclusion reasons.
"""

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

OFFICES = ["tor-cc", "ott-cc", "sud-cc", "tby-cc"]


def generate(path: Path, rows: int, *, quote: str, seed: int = 1) -> None:
    """A telephone export of `rows` calls over 2025, written in chunks of a million."""
    rng = np.random.default_rng(seed)
    # "none": no value needs quotes, as most exports write them; "all": every text value quoted.
    options = pcsv.WriteOptions(quoting_style="needed" if quote == "all" else "none")
    writer = None
    year = np.datetime64("2025-01-01T08:30:00")
    for start in range(0, rows, 1_000_000):
        n = min(1_000_000, rows - start)
        # Local times in core hours (08:30-17:00) on any day of 2025.
        days = rng.integers(0, 364, n).astype("timedelta64[D]")
        began = year + days + rng.integers(0, 8 * 3600 + 1800, n).astype("timedelta64[s]")
        wait = rng.exponential(25, n).astype(np.int64)
        gone = rng.random(n) < 0.05
        later = pa.array(began + wait.astype("timedelta64[s]")).cast(pa.string())
        none = pa.nulls(n, pa.string())
        table = pa.table({
            "call_id": pc.binary_join_element_wise(
                "C", pa.array(np.arange(start, start + n)).cast(pa.string()), ""),
            "queue": pa.array(np.array(["general", "licences", "health", "tax"])[
                rng.integers(0, 4, n)]),
            "office": pa.array(np.array(OFFICES)[rng.integers(0, len(OFFICES), n)]),
            "service": pa.array(np.array(["S1", "S2", "S3"])[rng.integers(0, 3, n)]),
            "started": pa.array(began).cast(pa.string()),
            "answered": pc.if_else(pa.array(gone), none, later),
            "abandoned": pc.if_else(pa.array(gone), later, none),
            "rings": pa.array(wait // 6),
            "wait_seconds": pa.array(wait),
            "person_offered": pa.array(np.where(rng.random(n) < 0.95, "Y", "N")),
            "redirects": pa.array(rng.integers(0, 3, n)),
            "exclusion_reason": pa.array(np.where(rng.random(n) < 0.01, "labour disruption",
                                                  None)),
        })
        if writer is None:
            writer = pcsv.CSVWriter(str(path), table.schema, write_options=options)
        writer.write_table(table)
    writer.close()


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--quote", choices=("none", "all"), default="none",
                        help="quote no value (default: none needs it) or every text value")
    parser.add_argument("--reimport", action="store_true",
                        help="import the same file again (every row an update)")
    parser.add_argument("--keep", help="use this directory and keep it (default: a temp dir)")
    args = parser.parse_args()

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="outsidein-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["OUTSIDEIN_DATA_DIR"] = str(folder / "data")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from outsidein.accounts.models import GovernmentLevel, Organization, OrgKind
    from outsidein.accounts.services import organization_create
    from outsidein.interactions.models import SourceMapping
    from outsidein.interactions.services import interactions_import, source_mapping_create

    call_command("migrate", verbosity=0)
    if not Organization.objects.filter(code="bench").exists():
        level = GovernmentLevel.PROVINCIAL
        root = organization_create(code="bench", name_en="Bench", name_fr="Banc",
                                   kind=OrgKind.GOVERNMENT, level_of_government=level)
        ministry = organization_create(code="bench-m", name_en="Ministry", name_fr="Ministère",
                                       kind=OrgKind.MINISTRY, parent=root,
                                       level_of_government=level)
        for code in OFFICES:
            organization_create(code=code, name_en=code, name_fr=code, kind=OrgKind.OFFICE,
                                parent=ministry, level_of_government=level)
    if not SourceMapping.objects.filter(name="bench-acd").exists():
        source_mapping_create(
            name="bench-acd", source="acd", time_zone="America/Toronto", channel="telephone",
            column_map={"call_id": "record_id", "office": "organization",
                        "started": "call_started_at", "answered": "answered_at",
                        "abandoned": "abandoned_at"})

    csv_path = folder / f"calls-{args.rows}-{args.quote}.csv"
    if not csv_path.exists():
        started = time.perf_counter()
        generate(csv_path, args.rows, quote=args.quote)
        print(f"generated {args.rows:,} rows ({csv_path.stat().st_size / 1e6:,.0f} MB) in "
              f"{time.perf_counter() - started:.1f} s")
    runs = ["import", "re-import"] if args.reimport else ["import"]
    for label in runs:
        cpu, wall = cpu_seconds(), time.perf_counter()
        report = interactions_import(path=csv_path, source="acd", mapping="bench-acd")
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{label}: {report.summary()}")
        print(f"  {args.rows / wall:,.0f} rows/s wall, {cpu:.1f} s CPU "
              f"({args.rows / cpu:,.0f} rows per CPU-second), peak RSS {peak:,.0f} MB, "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
