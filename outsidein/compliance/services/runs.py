"""Writes: compute compliance results over the interaction store and store them."""

from __future__ import annotations

import datetime as dt
import functools
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, models, transaction
from django.db.models import Max, Sum, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from outsidein.compliance.engine import fingerprint
from outsidein.compliance.engine.evaluation import Cell, evaluate
from outsidein.compliance.engine.periods import Period, parse_period
from outsidein.compliance.models import ComplianceResult, ResultSource
from outsidein.compliance.selectors import plans as selectors
from outsidein.interactions.selectors import imported_record_count
from outsidein.standards.models import StandardVersion
from outsidein.warehouse.engines import open_engine
from outsidein.warehouse.store import InteractionStore, default_root

WRITE_BATCH = 5000


# Why a version was computed or skipped (RunReport.reasons), in the order a summary lists them.
FORCED, NO_RESULTS, INPUTS_CHANGED = "forced", "no results yet", "inputs changed"
PENDING_THEN, OTHER_AS_OF = "items were pending", "another as-of instant"
SAME_INPUTS = "same inputs as stored"
REASONS = (FORCED, NO_RESULTS, INPUTS_CHANGED, PENDING_THEN, OTHER_AS_OF, SAME_INPUTS)


@dataclass
class RunReport:
    """What a compliance run did."""

    as_of: dt.datetime
    engine: str
    period: str = ""
    computed: list[str] = field(default_factory=list)  # versions recomputed ("CODE vN")
    unchanged: list[str] = field(default_factory=list)  # skipped: same inputs as stored
    not_measurable: dict[str, list[str]] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # version -> why computed or skipped
    records: int = 0  # records counted, every status
    results: int = 0  # results computed
    written: int = 0  # of which new or changed (the others only got the new as-of instant)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        versions = len(self.computed) + len(self.unchanged) + len(self.not_measurable)
        parts = [f"{len(self.computed)} computed{self._why(self.computed)}"]
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} unchanged{self._why(self.unchanged)}")
        if self.not_measurable:
            parts.append(f"{len(self.not_measurable)} not measurable from records")
        head = f"{versions} version(s): " + ", ".join(parts)
        figures = [f"{self.records:,} records", f"{self.results:,} results ({self.written:,} new or changed)"]
        return (head + "; " + ", ".join(figures) + f" on {self.engine} as of "
                f"{self.as_of:%Y-%m-%d %H:%M} UTC" + (f" for {self.period}" if self.period else "")
                + f" in {self.seconds:.1f} s")

    def _why(self, labels: list[str]) -> str:
        """ (inputs changed) or (2 no results yet, 1 inputs changed): why, by count."""
        counted: dict[str, int] = {}
        for label in labels:
            why = self.reasons.get(label, "")
            counted[why] = counted.get(why, 0) + 1
        shown = [(why, counted[why]) for why in REASONS if why in counted]
        if not shown:
            return ""
        if len(shown) == 1:
            return f" ({shown[0][0]})"
        return " (" + ", ".join(f"{n} {why}" for why, n in shown) + ")"


def compliance_run(*, period: str | Period | None = None, engine="duckdb",
                   versions: Iterable[StandardVersion | int] | None = None,
                   as_of: dt.datetime | None = None, codes: Iterable[str] = (),
                   force: bool = False, dataset: Path | None = None,
                   progress: Callable[[str], None] | None = None) -> RunReport:
    """Measure standard versions over the interaction store and upsert their results.

    `engine` is "duckdb", "spark" or an open engine (warehouse.engines). Without `period` every
    cell is computed; with one, only cells that lie wholly inside it. Versions whose inputs
    (fields, calendars, dataset files) are unchanged since their stored results are skipped
    unless `force`, or unless records were pending then.
    """
    started = time.perf_counter()
    say = progress or (lambda _step: None)
    as_of = (as_of or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    period = parse_period(period) if isinstance(period, str) else period
    # The store knows which of its files are live (it also keeps superseded ones).
    store = InteractionStore(dataset if dataset is not None else default_root())
    # A store that cannot be read, or reads as empty after imports, would make every stored
    # result look stale and be deleted: stop here instead (StoreUnavailable).
    store.readable_or_raise(expected_records=imported_record_count())
    kind = engine if isinstance(engine, str) else engine.kind
    report = RunReport(as_of=as_of, engine=kind, period=period.label if period else "")

    say("planning")
    found = selectors.run_plans(list(selectors.versions_to_measure(versions, codes=tuple(codes))))
    label = {pk: f"{v.standard.code} v{v.number}" for pk, v in found.versions.items()}
    report.not_measurable = {label[pk]: problems for pk, problems in found.not_measurable.items()}

    say("fingerprinting")
    listing = store.listing()
    digests = fingerprint.CalendarDigests(found.calendars)
    prints = {plan.version_id: fingerprint.version_fingerprint(
        plan, _version_fields(found.versions[plan.version_id]), calendars=digests,
        listing=listing, as_of=as_of) for plan in found.plans}
    report.reasons = {label[p.version_id]: FORCED if force else
                      _reason(p.version_id, prints[p.version_id], as_of, period)
                      for p in found.plans}
    plans = [p for p in found.plans if report.reasons[label[p.version_id]] != SAME_INPUTS]
    report.unchanged = [label[p.version_id] for p in found.plans if p not in plans]
    report.computed = [label[p.version_id] for p in plans]
    report.timings["plan"] = time.perf_counter() - started
    if not plans:
        report.seconds = time.perf_counter() - started
        return report

    say(f"measuring {len(plans)} version(s) on {kind}")
    owned = isinstance(engine, str)
    opened = store.reading(open_engine(engine) if owned else engine)
    try:
        evaluation = evaluate(opened, plans, found.calendars, dataset=store.dataset_glob(),
                              as_of=as_of, period=period,
                              known_services=lambda pairs: selectors.service_ids(pairs).keys())
    finally:
        if owned:
            opened.close()
    report.records = evaluation.records
    report.timings.update(evaluation.timings)

    say(f"writing {len(evaluation.cells):,} results")
    tick = time.perf_counter()
    report.results = len(evaluation.cells)
    report.written = _store(evaluation.cells, prints, as_of, period)
    report.timings["write"] = time.perf_counter() - tick
    report.seconds = time.perf_counter() - started
    return report


def _version_fields(version: StandardVersion) -> dict:
    return {"id": version.pk, "number": version.number, "status": version.status,
            "standard": version.standard.code, "calendar": version.calendar_id,
            "target_share": str(version.target_share)}


def _period_filter(queryset, period: Period | None):
    if period is None:
        return queryset
    return queryset.filter(period_start__gte=period.start, period_end__lte=period.end)


def _reason(version_id: int, print_: str, as_of: dt.datetime, period: Period | None) -> str:
    """Why the version must be computed (one of REASONS), or SAME_INPUTS when it need not."""
    stored = _period_filter(selectors.engine_results([version_id]), period)
    summary = stored.aggregate(n=Max("id"), pending=Sum("pending"), as_of=Max("as_of"))
    if summary["n"] is None:
        return NO_RESULTS
    if stored.exclude(fingerprint=print_).exists():
        return INPUTS_CHANGED
    # Same inputs; only the clock moved. Nothing pending then means nothing can change now.
    if summary["as_of"] == as_of:
        return SAME_INPUTS
    if summary["as_of"] > as_of:
        return OTHER_AS_OF
    return PENDING_THEN if summary["pending"] else SAME_INPUTS


@transaction.atomic
def _store(cells: list[Cell], prints: dict[int, str], as_of: dt.datetime,
           period: Period | None) -> int:
    """Upsert the versions' engine results (within the period); the number of rows written.

    Results whose figures are unchanged keep their rows and only get the new fingerprint and
    as-of instant; changed ones are replaced, vanished ones (no records any more) deleted.
    Rows are matched in Python because a NULL service defeats an upsert on the unique key.
    """
    services = selectors.service_ids((c.org_id, c.service) for c in cells)
    now = timezone.now()
    stored = _period_filter(selectors.engine_results(prints), period)
    # Read without the ORM's per-value conversion (`excluded` as JSON text, decoded once per
    # distinct value): converting 28,000 stored results cost more than comparing them.
    decoded = functools.lru_cache(maxsize=None)(_json_value)
    existing = {tuple(cell): (pk, (decoded(excluded), *figures))
                for pk, *cell, excluded, figures in _stored_rows(stored)}
    fresh, kept = [], set()
    for c in cells:
        service = services.get((c.org_id, c.service)) if c.service else None
        found = existing.get((c.version_id, c.org_id, service, c.channel or "", c.period_kind,
                              c.period_start))
        figures = (c.excluded, c.period_end, c.total, c.meeting, c.pending, c.share, c.ci_low,
                   c.ci_high, c.target, c.target_met, c.median_elapsed, c.p90_elapsed,
                   c.elapsed_unit)
        if found is not None and found[1] == figures:
            kept.add(found[0])
            continue
        fresh.append({
            "version": c.version_id, "organization": c.org_id, "service": service,
            "channel": c.channel or "", "period_kind": c.period_kind,
            "period_start": c.period_start, "period_end": c.period_end,
            "source": ResultSource.ENGINE, "total": c.total, "meeting": c.meeting,
            "pending": c.pending, "excluded": c.excluded, "share": c.share, "ci_low": c.ci_low,
            "ci_high": c.ci_high, "target": c.target, "target_met": c.target_met,
            "median_elapsed": c.median_elapsed, "p90_elapsed": c.p90_elapsed,
            "elapsed_unit": c.elapsed_unit, "fingerprint": prints[c.version_id], "as_of": as_of,
            "computed_at": now})
    stale = [pk for pk, _figures in existing.values() if pk not in kept]
    for start in range(0, len(stale), WRITE_BATCH):
        ComplianceResult.objects.filter(pk__in=stale[start:start + WRITE_BATCH]).delete()
    for version_id, print_ in prints.items():
        stored.filter(version_id=version_id).update(fingerprint=print_, as_of=as_of, computed_at=now)
    return _insert(ComplianceResult, fresh)


def _stored_rows(stored) -> Iterable[tuple]:
    """(id, *cell key, excluded as JSON text, figures) of stored results, as the database
    driver returns them (dates as dates on SQLite and PostgreSQL alike)."""
    rows = stored.annotate(excluded_text=Cast("excluded", TextField())).values_list(
        "id", "version_id", "organization_id", "service_id", "channel", "period_kind",
        "period_start", "excluded_text", "period_end", "total", "meeting", "pending", "share",
        "ci_low", "ci_high", "target", "target_met", "median_elapsed", "p90_elapsed",
        "elapsed_unit")
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(WRITE_BATCH):
            for row in batch:
                yield (*row[:8], row[8:])


def _json_value(text: str | None):
    return {} if text is None else json.loads(text)


def _insert(model, rows: Iterable[dict]) -> int:
    """INSERT many rows with executemany: the ORM's per-value bookkeeping costs seconds per
    ten thousand results. Values are adapted the way each field would adapt them."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 - names from the model
           f"({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    columns = [(f.name, _Adapter(f) if isinstance(f, models.DateField | models.JSONField) else None)
               for f in fields]
    written = 0
    with connection.cursor() as cursor:
        batch: list[tuple] = []
        for row in rows:
            batch.append(tuple(row[name] if adapt is None else adapt(row[name])
                               for name, adapt in columns))
            if len(batch) >= WRITE_BATCH:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


class _Adapter:
    """A field's database value for a Python value, remembered (dates and as-of repeat)."""

    def __init__(self, field):
        self.field = field
        self.seen: dict = {}

    def __call__(self, value):
        key = tuple(sorted(value.items())) if isinstance(value, dict) else value
        if key not in self.seen:
            self.seen[key] = self._adapt(value)
        return self.seen[key]

    def _adapt(self, value):
        if value is None:
            return None
        if isinstance(self.field, models.JSONField):
            return connection.ops.adapt_json_value(value, self.field.encoder)
        if isinstance(self.field, models.DateTimeField):
            return connection.ops.adapt_datetimefield_value(value)
        return connection.ops.adapt_datefield_value(value)
