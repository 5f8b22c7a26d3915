"""Benchmark: a full compliance run over N records — our engine against pandas and two hand-written floors.

    python bench/compliance.py [--rows 10000000] [--engine duckdb|spark] [--keep DIR] [--repeat 1]
                               [--csv-rows N] [--skip csv,engine,pandas,floor,floor-min]

Generates N records for four standards (calls answered by the third ring, mail answered within
15 business days, walk-in clients served within 20 minutes, feedback acknowledged within 2
business days) straight into the interaction store's layout, then times, each in its own
process so that each peak memory is its own (--repeat runs: the median):

  csv        a CSV export of min(N, 10M) such records imported through the real import
             (interactions_import: parsing, validation, the store), into a separate data directory;
  engine     the full compliance run (compliance_run: plans from the database, SQLGlot queries on
             DuckDB or Spark, roll-up into periods, results written back);
  pandas     the baseline: the Parquet read into pandas, business days by numpy.busday_count with
             the same holidays, every cell's counts, reasons, median and p90 from the records;
  floor      the same-histogram floor: hand-written SQL on the engine's own DuckDB (same
             settings) returning exactly the daily histogram the engine computes (standard,
             organization, service, channel, day, status, reason, elapsed);
  floor-min  the minimal floor: the same joins, counts per status only.

It prints wall and CPU seconds, rows/s and peak RSS, the ratios against the targets, the load
average around each run, and compares every cell (standard × organization × service × channel ×
day: met, missed, pending, excluded by reason, median and p90) of the engine, the baseline and
the floor. The exit status is 0 only when every phase ran and every cell agrees.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import _cells as _bench_cells  # noqa: E402 (found through ROOT)

ZONE = "America/Toronto"
EFFECTIVE = dt.date(2025, 4, 1)
# The run is "as of" a fixed instant inside the data's year (Wednesday 18 March 2026, 14:00 in
# Toronto), so that every run counts the same and open items are pending: letters and feedback
# not yet answered within their business days, walk-in clients waiting under 20 minutes. The
# records that start after it are not counted by any implementation.
AS_OF = dt.datetime(2026, 3, 18, 18, 0, tzinfo=dt.UTC)
ORG = "bench"
# (code, channel of the standard, clock start, clock stop, unit, threshold). Three are the
# Directive's Common Service Standards as seeded; the walk-in wait is one the offices add.
STANDARDS = [
    ("CSS-TEL-ANSWER", "telephone", "call_started", "answered", "rings", 3),
    ("CSS-MAIL-RESPONSE", "mail", "received", "responded", "business_days", 15),
    ("BENCH-WALKIN-20", "in_person", "arrived", "served", "minutes", 20),
    ("CSS-FEEDBACK-ACK", "", "received", "acknowledged", "business_days", 2),
]
TARGETS = {"engine/floor": 1.25, "pandas/engine": 3.0, "peak GB": 2.0, "csv rows/s": 1_000_000}
PHASES = ("csv", "engine", "pandas", "floor", "floor-min")


# ---- phases (each runs in a child process) ----------------------------------------------------

def _django(data: Path) -> None:
    os.environ["OUTSIDEIN_DATA_DIR"] = str(data)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _organizations() -> None:
    """The benchmark government, its twenty offices and its calendar (idempotent)."""
    from django.db import transaction

    with transaction.atomic():
        _create_organizations()


def _create_organizations() -> None:
    from bench._generate import OFFICES
    from outsidein.accounts.models import GovernmentLevel, Organization, OrgKind
    from outsidein.accounts.services import organization_create
    from outsidein.calendars.services import calendar_create, calendar_set_hours

    if Organization.objects.filter(code=ORG).exists():
        return
    level = GovernmentLevel.PROVINCIAL
    root = organization_create(code=ORG, name_en="Bench", name_fr="Banc", kind=OrgKind.GOVERNMENT,
                               level_of_government=level)
    ministry = organization_create(code=f"{ORG}-service", name_en="Bench Service",
                                   name_fr="Service Banc", kind=OrgKind.MINISTRY, parent=root,
                                   level_of_government=level)
    for code in OFFICES:
        organization_create(code=code, name_en=code, name_fr=code, kind=OrgKind.OFFICE,
                            parent=ministry, level_of_government=level)
    cal = calendar_create(name="Bench", organization=root, timezone=ZONE, country="CA",
                          subdivision="ON", observe_substitute_days=True,
                          optional_holidays=["civic_holiday", "easter_monday"])
    calendar_set_hours(calendar=cal, slots={d: [(dt.time(8, 30), dt.time(17, 0))] for d in range(5)})


def phase_setup(args) -> dict:
    """Database, organization, calendar, the four standards; the facts the other phases need."""
    _django(Path(args.dir) / "data")
    from outsidein import workdays
    from outsidein.accounts.models import Organization
    from outsidein.calendars.selectors import calendar_as_workdays, calendar_for_organization
    from outsidein.compliance.selectors.plans import rule_for, versions_to_measure
    from outsidein.standards.common_standards import COMMON_STANDARDS, REDRESS_EN, REDRESS_FR
    from outsidein.standards.models import ServiceStandard
    from outsidein.standards.services import standard_create, standard_publish

    _organizations()
    root = Organization.objects.get(code=ORG)
    common = dict(COMMON_STANDARDS)
    for code, channel, start, stop, unit, threshold in STANDARDS:
        if ServiceStandard.objects.filter(organization=root, code=code).exists():
            continue
        fields = dict(common[code]) if code in common else dict(
            name_en="Served within 20 minutes", name_fr="Servi en 20 minutes",
            text_en="We serve you within 20 minutes of your arrival.",
            text_fr="Nous vous servons dans les 20 minutes suivant votre arrivée.",
            standard_type="timeliness", channel=channel, clock_start=start, clock_stop=stop,
            unit=unit, threshold=threshold, target_share="0.8")
        version = standard_create(organization=root, code=code, is_common=code in common,
                                  redress_en=REDRESS_EN, redress_fr=REDRESS_FR, **fields)
        standard_publish(version=version, effective_from=EFFECTIVE)
    cal = calendar_as_workdays(calendar_for_organization(root))
    holidays = workdays.holidays_between(cal, dt.date(2025, 1, 1), dt.date(2027, 12, 31))
    # The record channels each standard measures, as the engine reads them (blank: all).
    channels = {v.standard.code: list(rule_for(v).channels)
                for v in versions_to_measure().filter(standard__organization=root)}
    return {"holidays": sorted(d.isoformat() for d in holidays), "channels": channels}


def phase_generate(args) -> dict:
    import numpy as np

    from bench._generate import write_store

    holidays = np.array(_facts(args)["holidays"], dtype="datetime64[D]")
    root = Path(args.dir) / "data" / "interactions"
    started = time.perf_counter()
    for _chunk in write_store(root, args.rows, holidays=holidays):
        pass
    return {"seconds": time.perf_counter() - started, "rows": args.rows}


def phase_csv(args) -> dict:
    import numpy as np
    import pyarrow.csv as pcsv

    from bench._generate import csv_batches

    folder = Path(args.dir)
    # A first import every time (a kept folder's earlier import would make it a re-import).
    shutil.rmtree(folder / "import-data", ignore_errors=True)
    _django(folder / "import-data")
    from outsidein.interactions.models import SourceMapping
    from outsidein.interactions.services import interactions_import, source_mapping_create

    _organizations()
    if not SourceMapping.objects.filter(name="bench-csv").exists():
        source_mapping_create(name="bench-csv", source="bench-csv", time_zone=ZONE)
    path = folder / f"records-{args.csv_rows}.csv"
    wrote = 0.0
    if not path.exists():
        started = time.perf_counter()
        holidays = np.array(_facts(args)["holidays"], dtype="datetime64[D]")
        writer = None
        for table in csv_batches(args.csv_rows, holidays=holidays):
            if writer is None:
                writer = pcsv.CSVWriter(str(path), table.schema)
            writer.write_table(table)
        writer.close()
        wrote = time.perf_counter() - started
    base = _rss_mb()
    started, cpu = time.perf_counter(), _cpu()
    report = interactions_import(path=path, source="bench-csv", mapping="bench-csv")
    return {"seconds": time.perf_counter() - started, "cpu": _cpu() - cpu, "rows": args.csv_rows,
            "base_mb": base, "summary": report.summary(), "written_seconds": wrote,
            "mb": path.stat().st_size / 1e6,
            "ok": report.stored + report.updated == args.csv_rows and report.rejected == 0}


def phase_engine(args) -> dict:
    _django(Path(args.dir) / "data")
    # A running application has its modules loaded: import them before the clock starts.
    import outsidein.compliance.engine.evaluation  # noqa: F401
    import outsidein.compliance.services  # noqa: F401
    import outsidein.warehouse.engines  # noqa: F401
    if args.engine == "duckdb":
        import duckdb  # noqa: F401
    from outsidein.compliance.services import compliance_run

    base = _rss_mb()
    started, cpu = time.perf_counter(), _cpu()
    report = compliance_run(engine=args.engine, as_of=AS_OF, force=True)
    seconds, used = time.perf_counter() - started, _cpu() - cpu
    _bench_cells.write(_cells_path(args, "engine"), _engine_cells())
    detail = {"report": str(report), "timings": {k: round(v, 2) for k, v in report.timings.items()}}
    return {"seconds": seconds, "cpu": used, "base_mb": base, "detail": detail}


def _engine_cells():
    """The engine's stored daily results, as cells."""
    import pyarrow as pa

    from outsidein.compliance.models import ComplianceResult

    rows = (ComplianceResult.objects.filter(period_kind="day", source="engine")
            .values_list("version__standard__code", "organization__code", "service__code",
                         "channel", "period_start", "total", "meeting", "pending", "excluded",
                         "median_elapsed", "p90_elapsed"))
    epoch = dt.date(1970, 1, 1)
    columns: dict[str, list] = {name: [] for name in _bench_cells.CELL_SCHEMA.names}
    for code, org, service, channel, day, total, meeting, pending, excluded, median, p90 in rows:
        for name, value in (("standard", code), ("organization", org), ("service", service or ""),
                            ("channel", channel), ("day", (day - epoch).days),
                            ("met", meeting or 0), ("missed", (total or 0) - (meeting or 0)),
                            ("pending", pending), ("excluded", _bench_cells.excluded_json(excluded)),
                            ("median", median), ("p90", p90)):
            columns[name].append(value)
    return pa.table(columns, schema=_bench_cells.CELL_SCHEMA)


def _measured(code: str, facts: dict) -> tuple[tuple[str, ...] | None, str, str, str, int]:
    """(record channels or None for all, start column, stop column, unit, threshold)."""
    for c, _channel, start, stop, unit, threshold in STANDARDS:
        if c == code:
            channels = tuple(facts["channels"][code]) or None
            return channels, f"{start}_at", f"{stop}_at", unit, threshold
    raise KeyError(code)


def phase_pandas(args) -> dict:
    """The baseline: pandas and numpy, one Parquet file (a channel and month) at a time, every
    cell's counts, reasons, median and p90 computed from the records themselves."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from outsidein.warehouse.store import InteractionStore

    facts = _facts(args)
    holidays = np.array(facts["holidays"], dtype="datetime64[D]")
    measured = {code: _measured(code, facts) for code, *_ in STANDARDS}
    root = Path(args.dir) / "data" / "interactions"
    base = _rss_mb()
    started, cpu = time.perf_counter(), _cpu()
    as_of_day = np.datetime64(AS_OF.astimezone(_zone()).date(), "D")
    as_of_s = int(AS_OF.timestamp())
    parts = []
    for path in InteractionStore(root).files():
        channel = path.parent.parent.name.split("=", 1)[1]
        codes = [c for c, m in measured.items() if m[0] is None or channel in m[0]]
        needed = {"organization", "exclusion_reason", "service"}
        for code in codes:
            _ch, start, stop, unit, _t = measured[code]
            needed |= {start, "rings"} if unit == "rings" else {start, stop}
            if unit == "minutes":
                needed.add("wait_seconds")
        table = pq.read_table(path, columns=sorted(needed)).to_pandas()
        for code in codes:
            _ch, start, stop, unit, threshold = measured[code]
            begun = table[start]
            start_s = begun.to_numpy(dtype="datetime64[s]", na_value=np.datetime64("NaT")) \
                .astype(np.int64)
            frame = table[begun.notna().to_numpy() & (start_s <= as_of_s)]
            start_s = start_s[begun.notna().to_numpy() & (start_s <= as_of_s)]
            if frame.empty:
                continue
            reason = frame["exclusion_reason"].astype(object)
            excluded = reason.notna().to_numpy() & (reason.fillna("") != "").to_numpy()
            day = frame[start].dt.tz_convert(ZONE).dt.tz_localize(None).to_numpy() \
                .astype("datetime64[D]")
            if unit == "rings":
                rings = frame["rings"].to_numpy(dtype=float, na_value=np.nan)
                status = np.where(np.isnan(rings), 4, np.where(rings <= threshold, 1, 2))
                elapsed = np.where(excluded, np.nan, rings)
            else:
                ended = frame[stop]
                stop_s = ended.to_numpy(dtype="datetime64[s]", na_value=np.datetime64("NaT")) \
                    .astype(np.int64)
                # Stopped by the as-of instant; a later stop is still open then.
                stopped = ended.notna().to_numpy() & (stop_s <= as_of_s)
                if unit == "business_days":
                    stop_day = ended.dt.tz_convert(ZONE).dt.tz_localize(None).to_numpy() \
                        .astype("datetime64[D]")
                    stop_day = np.where(stopped, stop_day, day)
                    value = np.busday_count(day, stop_day, weekmask="1111100", holidays=holidays)
                    # Records start by the as-of instant: their day is at most its date.
                    open_value = np.busday_count(day, as_of_day, weekmask="1111100",
                                                 holidays=holidays)
                    limit, step = threshold, 1
                else:  # minutes, judged in whole seconds, spread in whole minutes
                    value = stop_s - start_s
                    wait = frame["wait_seconds"].to_numpy(dtype=float, na_value=np.nan)
                    value = np.where(stopped, value, np.nan_to_num(wait, nan=0)).astype(np.int64)
                    stopped = stopped | ~np.isnan(wait)
                    open_value = as_of_s - start_s
                    limit, step = threshold * 60, 60
                judged = np.where(value < 0, 4, np.where(value <= limit, 1, 2))
                status = np.where(stopped, judged, np.where(open_value > limit, 2, 3))
                elapsed = np.where(stopped & ~excluded & (value >= 0), value // step, np.nan)
            status = np.where(excluded, 0, status)
            part = pd.DataFrame({
                "organization": frame["organization"].astype(str).to_numpy(),
                "service": frame["service"].astype(object).fillna("").astype(str).to_numpy(),
                "day": (day - np.datetime64("1970-01-01")).astype(np.int32),
                "status": status,
                "reason": np.where(status == 0, reason.fillna("").astype(str).to_numpy(),
                                   np.where(status == 4, _bench_cells.NOT_RECORDED, "")),
                "elapsed": elapsed})
            keys = ["organization", "service", "day"]
            tally = part.groupby([*keys, "status"]).size().unstack(fill_value=0)
            cells = pd.DataFrame(index=tally.index)
            for name, s in (("met", 1), ("missed", 2), ("pending", 3)):
                cells[name] = tally[s] if s in tally.columns else 0
            aside = part[part.status.isin([0, 4])].groupby([*keys, "reason"]).size()
            reasons: dict[tuple, dict[str, int]] = {}
            for (*key, label), n in aside.items():
                reasons.setdefault(tuple(key), {})[label] = int(n)
            cells["excluded"] = [_bench_cells.excluded_json(reasons.get(k, {})) for k in cells.index]
            values = part[part.elapsed.notna()].groupby(keys).elapsed
            cells["median"] = values.quantile(0.5).reindex(cells.index)
            cells["p90"] = values.quantile(0.9).reindex(cells.index)
            parts.append(cells.reset_index().assign(standard=code, channel=channel))
    found = pd.concat(parts, ignore_index=True)
    seconds, used = time.perf_counter() - started, _cpu() - cpu
    _bench_cells.write(_cells_path(args, "pandas"),
                       pa.Table.from_pandas(found, preserve_index=False))
    return {"seconds": seconds, "cpu": used, "base_mb": base, "detail": {"cells": len(found)}}


def _floor_calendar(facts: dict):
    """Hourly buckets in UTC: Toronto's offsets are whole hours, so each bucket has one local
    date; a bucket's row gives that date (days since 1970) and its business-day ordinal (the
    business days strictly before it)."""
    import numpy as np
    import pyarrow as pa

    holidays = np.array(facts["holidays"], dtype="datetime64[D]")
    first, last = np.datetime64("2025-01-01"), np.datetime64("2027-12-31")
    days = np.arange(first, last + 1)
    business = np.is_busday(days, weekmask="1111100", holidays=holidays)
    ordinal = np.concatenate([[0], np.cumsum(business)[:-1]])
    hours = np.arange(int((first - 1).astype("datetime64[s]").astype(np.int64) // 3600),
                      int((last + 2).astype("datetime64[s]").astype(np.int64) // 3600))
    local = (hours * 3600 + _offsets(hours * 3600)).astype("datetime64[s]").astype("datetime64[D]")
    inside = (local >= first) & (local <= last)
    index = (local[inside] - first).astype(np.int64)
    calendar = pa.table({"hour": hours[inside], "day": days[index].astype(np.int64),
                         "ordinal": ordinal[index]})
    as_of_ordinal = int(ordinal[(np.datetime64(AS_OF.astimezone(_zone()).date()) - first)
                                .astype(np.int64)])
    return calendar, as_of_ordinal


def floor_sql(facts: dict, glob: str, as_of_ordinal: int, *, minimal: bool) -> str:
    """The hand-written floor: per standard, the records in scope joined to the hourly calendar
    at the start (and at the stop for business days), status, reason and elapsed by CASE; the
    histogram the engine needs (minimal: counts per status only)."""
    as_of_s = int(AS_OF.timestamp())
    branches = []
    for code, *_ in STANDARDS:
        channels, start, stop, unit, threshold = _measured(code, facts)
        where = [f"r.{start} IS NOT NULL", f"epoch_us(r.{start}) <= {as_of_s * 1_000_000}"]
        if channels:
            where.insert(0, f"r.channel IN ({', '.join(repr(c) for c in channels)})")
        s_us, e_us = f"epoch_us(r.{start})", f"epoch_us(r.{stop})"
        joins = f"JOIN cal c1 ON c1.hour = {s_us} // 3600000000"
        excluded = "coalesce(r.exclusion_reason, '') <> ''"
        stopped = f"(r.{stop} IS NOT NULL AND {e_us} <= {as_of_s * 1_000_000})"
        if unit == "rings":
            status = (f"CASE WHEN r.rings IS NULL THEN 4 WHEN r.rings <= {threshold} THEN 1 "
                      "ELSE 2 END")
            elapsed = "r.rings"
        else:
            if unit == "business_days":
                joins += f" LEFT JOIN cal c2 ON c2.hour = {e_us} // 3600000000"
                value, open_value = "(c2.ordinal - c1.ordinal)", f"({as_of_ordinal} - c1.ordinal)"
                limit, step = threshold, 1
            else:  # minutes: whole seconds; the source's wait when there is no stop
                value = (f"CASE WHEN {stopped} THEN {e_us} // 1000000 - {s_us} // 1000000 "
                         "ELSE r.wait_seconds END")
                stopped = f"({stopped} OR r.wait_seconds IS NOT NULL)"
                open_value = f"({as_of_s} - {s_us} // 1000000)"
                limit, step = threshold * 60, 60
            status = (f"CASE WHEN {stopped} THEN CASE WHEN {value} < 0 THEN 4 WHEN {value} <= "
                      f"{limit} THEN 1 ELSE 2 END WHEN {open_value} > {limit} THEN 2 ELSE 3 END")
            elapsed = f"CASE WHEN {stopped} AND {value} >= 0 THEN ({value}) // {step} END"
        columns = [f"'{code}' AS standard", "r.organization::VARCHAR AS organization",
                   "r.channel::VARCHAR AS channel", "c1.day::INTEGER AS day",
                   f"CASE WHEN {excluded} THEN 0 ELSE {status} END AS status"]
        if not minimal:
            columns += ["r.service::VARCHAR AS service",
                        f"CASE WHEN {excluded} THEN r.exclusion_reason::VARCHAR END AS reason",
                        f"CASE WHEN NOT {excluded} THEN {elapsed} END AS elapsed"]
        branches.append(
            f"SELECT {', '.join(columns)} FROM read_parquet('{glob}', hive_partitioning = true, "
            f"union_by_name = true) r {joins} WHERE {' AND '.join(where)}")
    return (f"SELECT *, count(*) AS n FROM ({' UNION ALL '.join(branches)}) GROUP BY ALL")


def _floor(args, *, minimal: bool) -> dict:
    from outsidein.warehouse.engines import open_engine
    from outsidein.warehouse.store import InteractionStore

    facts = _facts(args)
    root = Path(args.dir) / "data" / "interactions"
    base = _rss_mb()
    started, cpu = time.perf_counter(), _cpu()
    calendar, as_of_ordinal = _floor_calendar(facts)
    # The engine's own DuckDB: the same constructor, so the same memory limit, threads,
    # disabled optimizers (join order, build side) and spill folder as a compliance run.
    engine = open_engine("duckdb")
    try:
        engine.register_arrow("cal", calendar)
        sql = floor_sql(facts, InteractionStore(root).dataset_glob(), as_of_ordinal, minimal=minimal)
        histogram = engine.query(sql)
    finally:
        engine.close()
    seconds, used = time.perf_counter() - started, _cpu() - cpu
    result = {"seconds": seconds, "cpu": used, "base_mb": base, "sql": sql,
              "detail": {"histogram rows": histogram.num_rows}}
    if not minimal:
        tick = time.perf_counter()
        _bench_cells.write(_cells_path(args, "floor"), _bench_cells.from_histogram(histogram))
        result["detail"]["cells from histogram s (not timed)"] = round(time.perf_counter() - tick, 2)
    return result


def phase_floor(args) -> dict:
    """Same-histogram floor: hand-written SQL returning exactly the engine's daily histogram."""
    return _floor(args, minimal=False)


def phase_floor_min(args) -> dict:
    """Minimal floor: the same joins, counts per status only (no reason, no elapsed)."""
    return _floor(args, minimal=True)


def _cells_path(args, phase: str) -> Path:
    return Path(args.dir) / f"cells-{phase}.parquet"


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(ZONE)


def _offsets(seconds):
    """UTC offsets (seconds) of epoch instants in the zone, vectorized through pyarrow."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    instants = pa.array(seconds, pa.int64()).cast(pa.timestamp("s", tz="UTC"))
    local = pc.local_timestamp(instants.cast(pa.timestamp("s", tz=ZONE)))
    return (local.cast(pa.int64()).to_numpy() - np.asarray(seconds)).astype(np.int64)


def _facts(args) -> dict:
    return json.loads((Path(args.dir) / "bench.json").read_text())


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ---- the driver ---------------------------------------------------------------------------------

def _child(phase: str, args, extra: list[str] = ()) -> dict:
    """Run one phase in a fresh interpreter; its result, with its peak RSS (MB)."""
    import psutil

    command = [sys.executable, str(Path(__file__).resolve()), "--phase", phase, "--dir", args.dir,
               "--rows", str(args.rows), "--csv-rows", str(args.csv_rows), "--engine", args.engine,
               *extra]
    output = Path(args.dir) / f".{phase}.out"
    with open(output, "w") as sink:
        process = subprocess.Popen(command, stdout=sink, cwd=ROOT)
    watched = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        try:
            tree = [watched, *watched.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    out = output.read_text()
    if process.returncode:
        return {"failed": f"exit {process.returncode}", "peak_mb": peak / 2**20}
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_mb"] = max(peak / 2**20, result.pop("maxrss_mb", 0))
    return result


def _line(label: str, result: dict, rows: int) -> str:
    seconds = result["seconds"]
    return (f"{label:<26} {seconds:>9.2f} {rows / seconds:>14,.0f} {result.get('cpu', 0):>9.1f} "
            f"{result['peak_mb']:>10,.0f} {result.get('base_mb', 0):>9,.0f}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0 only when every phase ran and every implementation agrees."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument("--keep", help="use this folder and keep it (reuses generated data)")
    parser.add_argument("--csv-rows", type=int, help="rows of the CSV import (default min(N, 10M))")
    parser.add_argument("--skip", default="", help="comma-separated phases to skip: " + ",".join(PHASES))
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each timed phase this many times and report the median")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.csv_rows is None:
        args.csv_rows = min(args.rows, 10_000_000)

    if args.phase:  # a child: run one phase, print its result as the last line
        result = globals()[f"phase_{args.phase.replace('-', '_')}"](args)
        result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result, default=str))
        return 0

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="outsidein-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    args.dir = str(folder)
    skip = {s for s in args.skip.split(",") if s}
    unknown = skip - set(PHASES)
    if unknown:
        parser.error(f"unknown phase(s) {', '.join(sorted(unknown))}; choose from {', '.join(PHASES)}")
    try:
        return _drive(args, folder, skip)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def _timed(phase: str, args) -> dict:
    """The phase run --repeat times, each in a fresh process: median wall and CPU seconds,
    highest peak; the load average (1/5/15 min) before and after each run."""
    import statistics

    runs = []
    for i in range(args.repeat):
        before = _load()
        r = _child(phase, args)
        after = _load()
        label = f"{phase}" + (f" run {i + 1}/{args.repeat}" if args.repeat > 1 else "")
        if "failed" in r:
            print(f"  {label}: FAILED ({r['failed']}, peak {r['peak_mb']:,.0f} MB; load {before} "
                  f"-> {after}); its error is above", flush=True)
            return r
        print(f"  {label}: {r['seconds']:.2f} s, CPU {r.get('cpu', 0):.1f} s, peak "
              f"{r['peak_mb']:,.0f} MB, load {before} -> {after}"
              + (f" — {r['summary']}" if "summary" in r else ""), flush=True)
        if r.get("ok") is False:
            return {"failed": "its result is wrong", "peak_mb": r["peak_mb"]}
        runs.append(r)
    result = dict(runs[len(runs) // 2])
    result["seconds"] = statistics.median(r["seconds"] for r in runs)
    result["cpu"] = statistics.median(r.get("cpu", 0) for r in runs)
    result["peak_mb"] = max(r["peak_mb"] for r in runs)
    result["all_seconds"] = [round(r["seconds"], 2) for r in runs]
    return result


def _drive(args, folder: Path, skip: set[str]) -> int:
    print(f"bench/compliance.py: {args.rows:,} records, engine {args.engine}, as of "
          f"{AS_OF:%Y-%m-%d %H:%M} UTC, folder {folder}, {os.cpu_count()} CPUs, load average "
          f"{_load()} (1/5/15 min), repeat {args.repeat}", flush=True)
    facts = _child("setup", args)
    if "failed" in facts:
        print("set-up FAILED")
        return 1
    (folder / "bench.json").write_text(json.dumps(facts))
    marker = folder / "data" / "interactions" / f".generated-{args.rows}"
    if not marker.exists():
        shutil.rmtree(folder / "data" / "interactions", ignore_errors=True)
        made = _child("generate", args)
        if "failed" in made:
            print("generation FAILED")
            return 1
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        print(f"generated {args.rows:,} records in {made['seconds']:.1f} s "
              f"({args.rows / made['seconds']:,.0f} rows/s, peak {made['peak_mb']:,.0f} MB)",
              flush=True)
    store = folder / "data" / "interactions"
    size = sum(f.stat().st_size for f in store.rglob("*.parquet")) / 2**20
    print(f"store: {len(list(store.rglob('*.parquet')))} files, {size:,.0f} MB", flush=True)

    results, failed = {}, []
    for phase in PHASES:
        if phase in skip:
            continue
        _cells_path(args, phase).unlink(missing_ok=True)
        r = _timed(phase, args)
        if "failed" in r:
            failed.append(phase)
            continue
        results[phase] = r

    print()
    print(f"{'':<26} {'wall s':>9} {'rows/s':>14} {'CPU s':>9} {'peak MB':>10} {'start MB':>9}")
    labels = {"csv": f"CSV import ({args.csv_rows / 1e6:g}M)", "engine": f"engine ({args.engine})",
              "pandas": "pandas baseline", "floor": "floor, same histogram",
              "floor-min": "floor, counts only"}
    for phase, r in results.items():
        print(_line(labels[phase], r, args.csv_rows if phase == "csv" else args.rows))
    print()
    _ratios(args, results)
    print(f"load average now {_load()} on {os.cpu_count()} CPUs")
    if "engine" in results:
        print(f"\nengine: {json.dumps(results['engine'].get('detail', {}))}")
    disagreements = _agreement(folder, [p for p in ("engine", "pandas", "floor") if p in results])
    if failed:
        print(f"FAILED phase(s): {', '.join(failed)}")
    return 1 if failed or disagreements else 0


def _ratios(args, results: dict) -> None:
    engine, pandas = results.get("engine"), results.get("pandas")
    ratios = []
    for phase, name in (("floor", "engine/floor"), ("floor-min", "engine/minimal floor")):
        if engine and phase in results:
            target = TARGETS["engine/floor"] if phase == "floor" else None
            ratios.append((name, engine["seconds"] / results[phase]["seconds"], "<=", target))
    if engine and pandas:
        ratios.append(("pandas/engine", pandas["seconds"] / engine["seconds"], ">=",
                       TARGETS["pandas/engine"]))
    if engine:
        ratios.append(("engine peak GB", engine["peak_mb"] / 1024, "<=", TARGETS["peak GB"]))
    if "csv" in results:
        ratios.append(("CSV import rows/s", args.csv_rows / results["csv"]["seconds"], ">=",
                       TARGETS["csv rows/s"]))
    for name, value, op, target in ratios:
        shown = f"{value:,.0f}" if value > 1000 else f"{value:.2f}"
        if target is None:
            print(f"{name:<26} {shown:>12}")
            continue
        ok = value <= target if op == "<=" else value >= target
        print(f"{name:<26} {shown:>12}   target {op} {target:,}   {'met' if ok else 'NOT met'}")
    # On a busy machine wall time mostly measures the neighbours; CPU time much less so.
    for a, b, name in (("engine", "floor", "engine/floor CPU"),
                       ("engine", "floor-min", "engine/minimal floor CPU"),
                       ("pandas", "engine", "pandas/engine CPU")):
        if a in results and b in results and results[b].get("cpu"):
            print(f"{name:<26} {results[a]['cpu'] / results[b]['cpu']:>12.2f}   (CPU seconds)")


def _agreement(folder: Path, phases: list[str]) -> int:
    """Compare every cell of the engine, the baseline and the floor; the number of differences."""
    found = check_agreement(folder, phases)
    if found is None:
        return 0
    cells, differences = found
    print(f"\nper-cell agreement over {cells:,} cells (standard × organization × service × "
          f"channel × day: met, missed, pending, excluded by reason, median, p90) of "
          f"{', '.join(phases)}:")
    if not differences:
        print("  every cell the same")
        return 0
    print(f"  {len(differences):,} DIFFERENT cell(s); the first:")
    for line in differences[:10]:
        print(f"    {line}")
    return len(differences)


def check_agreement(folder: Path, phases: list[str]) -> tuple[int, list[str]] | None:
    """(cells, differences) between the first phase's cells and each other's; None when fewer
    than two phases wrote cells."""
    tables = {p: _bench_cells.read(folder / f"cells-{p}.parquet") for p in phases
              if (folder / f"cells-{p}.parquet").exists()}
    if len(tables) < 2:
        return None
    (first, reference), *others = tables.items()
    differences = []
    for name, table in others:
        differences += _bench_cells.differences(reference, table, names=(first, name))
    return reference.num_rows, differences


if __name__ == "__main__":
    sys.exit(main())
