"""Writes: importing interaction records (files, API batches, queued tasks), undoing imports,
saving source mappings."""

import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from outsidein.accounts.models import Organization
from outsidein.common.audit import audit_record
from outsidein.interactions.mappings import MappingError, MappingSpec, plan_columns
from outsidein.interactions.models import ImportStatus, InteractionImport, SourceMapping
from outsidein.interactions.readers import (
    DEFAULT_BATCH_ROWS,
    FileError,
    RawBatch,
    file_format,
    json_text,
    open_reader,
)
from outsidein.interactions.report import ImportReport, RejectWriter
from outsidein.interactions.selectors import imports_dir, interaction_store, mapping_for
from outsidein.interactions.validation import REJECT_SCHEMA, BatchChecker
from outsidein.warehouse.store import StoreError, UndoResult

# progress(done, total, unit): bytes (CSV, JSON lines) or rows (XLSX, Parquet) read so far.
Progress = Callable[[int, int | None, str], Any]
MAPPING_FIELDS = {"description", "column_map", "timestamp_format", "time_zone", "channel",
                  "constants", "delimiter", "encoding", "sheet"}
# A queued import writes its progress to the database at most this often (seconds).
PROGRESS_EVERY = 1.0


class ImportFailed(Exception):
    """The import as a whole could not be done (unreadable file, unusable mapping); nothing was
    stored. The InteractionImport is marked failed with this message."""


# ---- source mappings -----------------------------------------------------------------------

@transaction.atomic
def source_mapping_create(*, name: str, source: str, by=None, **fields) -> SourceMapping:
    """Save how a source system's files read as canonical records."""
    unknown = set(fields) - MAPPING_FIELDS
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
    mapping = SourceMapping(name=name, source=source, **fields)
    mapping.full_clean()
    mapping.save()
    audit_record(actor=by, action="source_mapping.create", obj=mapping, summary=name,
                 changes={"source": source, **fields})
    return mapping


@transaction.atomic
def source_mapping_update(*, mapping: SourceMapping, by=None, **fields) -> SourceMapping:
    """Change a saved mapping (imports already done keep what they stored)."""
    unknown = set(fields) - MAPPING_FIELDS - {"source"}
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
    before = {k: getattr(mapping, k) for k in fields}
    for key, value in fields.items():
        setattr(mapping, key, value)
    mapping.full_clean()
    mapping.save()
    audit_record(actor=by, action="source_mapping.update", obj=mapping, summary=mapping.name,
                 changes={k: [before[k], v] for k, v in fields.items() if before[k] != v})
    return mapping


# ---- imports -------------------------------------------------------------------------------

def interactions_import(*, path: str | Path, source: str, mapping: SourceMapping | str | None = None,
                        by=None, dry_run: bool = False, progress: Progress | None = None,
                        batch_rows: int = DEFAULT_BATCH_ROWS, encoding: str = "") -> ImportReport:
    """Import a file of interaction records now (CSV, XLSX, Parquet or JSON lines).

    Rows that fail a check are written to the reject report and the rest are stored; a file
    that cannot be read at all raises ImportFailed and stores nothing. `encoding` (a CSV's)
    overrides the mapping's and detection.
    """
    path = Path(path)
    record = _import_record(source=source, mapping=mapping, by=by, dry_run=dry_run,
                            file_name=path.name, path=str(path), encoding=encoding)
    return _run(record, path, progress=progress, batch_rows=batch_rows)


def interactions_import_enqueue(*, file: str | Path | IO[bytes], source: str,
                                file_name: str = "", mapping: SourceMapping | str | None = None,
                                by=None, dry_run: bool = False,
                                organizations: list[str] | None = None,
                                encoding: str = "") -> InteractionImport:
    """Queue an import for the task worker; an uploaded file is first saved under DATA_DIR.

    With `organizations` (the codes the importer may import for, as a staff page gives them),
    every record must name one of them; others are rejected as unknown organizations.
    `encoding` (a CSV's) overrides the mapping's and detection.
    """
    name = Path(file_name or getattr(file, "name", "") or "upload").name
    record = _import_record(source=source, mapping=mapping, by=by, dry_run=dry_run,
                            file_name=name, path="", queued=True, organizations=organizations,
                            encoding=encoding)
    if isinstance(file, str | Path):
        record.path = str(Path(file).absolute())
    else:
        target = imports_dir() / str(record.pk) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            shutil.copyfileobj(file, out, 1 << 20)
        record.path = str(target)
    record.save(update_fields=["path"])
    from outsidein.interactions.tasks import import_records_task

    transaction.on_commit(lambda: import_records_task.enqueue(record.pk))
    return record


def interactions_import_run(*, import_id: int, progress: Progress | None = None,
                            batch_rows: int = DEFAULT_BATCH_ROWS) -> ImportReport:
    """Run a queued import (what the task does), recording its progress as it goes."""
    record = InteractionImport.objects.get(pk=import_id)
    return _run(record, Path(record.path), progress=progress, batch_rows=batch_rows,
                record_progress=True)


def interactions_import_records(*, records: list[dict[str, Any]], source: str,
                                mapping: SourceMapping | str | None = None, by=None,
                                dry_run: bool = False,
                                organizations: list[str] | None = None) -> ImportReport:
    """Import a batch of records given as dicts (field or mapped column -> value), as the API
    does; a record's "line" in the reject report is its position in the batch (1 = first).

    With `organizations` (the codes the caller may import for), every record must name one of
    them; others are rejected as unknown organizations.
    """
    record = _import_record(source=source, mapping=mapping, by=by, dry_run=dry_run,
                            file_name="", path="", organizations=organizations)
    record.file_format = "records"
    record.save(update_fields=["file_format"])
    header = list(dict.fromkeys(key for row in records for key in row))

    def batches(columns: list[str], categories: tuple[str, ...] = ()) -> Iterator[RawBatch]:
        table = pa.table({c: pa.array([json_text(r.get(c)) for r in records], pa.string())
                          for c in columns})
        yield RawBatch(table, pa.array(range(1, len(records) + 1), pa.int64()))

    return _run(record, None, header=header, batches=batches, organizations=organizations)


@transaction.atomic
def interactions_import_undo(*, import_id: int, by=None) -> tuple[InteractionImport, UndoResult]:
    """Take an import's records out of the store and put back the versions it replaced."""
    record = InteractionImport.objects.select_for_update().get(pk=import_id)
    if record.dry_run:
        raise ValidationError("A dry run stored nothing; there is nothing to undo.")
    record.undo()  # refuses anything but a finished import
    result = interaction_store().undo(record.pk)
    record.save(update_fields=["status", "undone_at"])
    audit_record(actor=by, action="interactions.import_undo", obj=record,
                 summary=f"import {record.pk} of {record.source} undone",
                 changes={"removed": result.removed, "restored": result.restored})
    _schedule_recompute(f"import {record.pk} of {record.source} undone")
    return record, result


# ---- machinery -----------------------------------------------------------------------------

def _schedule_recompute(reason: str) -> None:
    """Results over changed records are recomputed in the background; the run's fingerprints
    pick out the versions whose channels' files changed."""
    from outsidein.compliance.services import compliance_schedule_recompute

    compliance_schedule_recompute(reason=reason)


def _import_record(*, source: str, mapping, by, dry_run: bool, file_name: str, path: str,
                   queued: bool = False, organizations: list[str] | None = None,
                   encoding: str = "") -> InteractionImport:
    source = (source or "").strip()
    if not source:
        raise ValidationError({"source": "Name the source system the records come from."})
    saved = mapping_for(source, mapping)
    record = InteractionImport(source=source, mapping=saved, by=by if getattr(by, "pk", None)
                               else None, dry_run=dry_run, file_name=file_name[:255], path=path,
                               organizations=None if organizations is None
                               else sorted(organizations), encoding=encoding)
    if not queued:
        record.start()
    record.full_clean()
    record.save()
    return record


def _run(record: InteractionImport, path: Path | None, *, progress: Progress | None = None,
         batch_rows: int = DEFAULT_BATCH_ROWS, record_progress: bool = False,
         header: list[str] | None = None,
         batches: Callable[..., Iterable[RawBatch]] | None = None,
         organizations: list[str] | None = None) -> ImportReport:
    if organizations is None:
        organizations = record.organizations  # a queued import keeps its importer's scope
    if record.status == ImportStatus.QUEUED:
        record.start()
        record.save(update_fields=["status", "started_at"])
    spec = record.mapping.spec() if record.mapping else MappingSpec(time_zone=_default_zone())
    started = time.monotonic()
    store = interaction_store()
    rejects_path = imports_dir() / str(record.pk) / "rejects.csv"
    tally = _Tally()
    try:
        if batches is None:
            reader = open_reader(path, encoding=record.encoding or spec.encoding,
                                 delimiter=spec.delimiter,
                                 sheet=spec.sheet, timestamp_format=spec.timestamp_format,
                                 batch_rows=batch_rows)
            record.file_format = reader.format
            header, batches = reader.columns, reader.batches
        else:
            reader = None
        plan = plan_columns(header, spec)
        scoped = organizations is not None
        if not scoped:
            organizations = list(Organization.objects.values_list("code", flat=True))
        checker = BatchChecker(plan, spec, source=record.source, now=timezone.now(),
                               organizations=organizations, require_organization=scoped)
        report_progress = _progress(record, reader, progress, record_progress)
        rejects = RejectWriter(rejects_path)
        try:
            with store.session(record.pk) as session:
                for raw in batches(plan.columns, plan.categories):
                    tally.add(raw, checker, rejects, session)
                    report_progress()
                result = session.preview() if record.dry_run else session.commit()
        finally:
            rejects.close()
    except (FileError, MappingError, StoreError, OSError) as exc:
        _failed(record, str(exc))
        raise ImportFailed(str(exc)) from exc
    except BaseException as exc:
        _failed(record, f"{type(exc).__name__}: {exc}")
        raise
    if tally.rows_read != result.stored + result.updated + tally.rejected:
        # Never leave records behind counts that do not add up.
        if not record.dry_run:
            store.undo(record.pk)
        message = (f"counts do not reconcile: read {tally.rows_read}, stored {result.stored}, "
                   f"updated {result.updated}, rejected {tally.rejected}")
        _failed(record, message)
        raise ImportFailed(message)
    record.rows_read, record.stored, record.updated = tally.rows_read, result.stored, result.updated
    record.rejected, record.excluded = tally.rejected, sum(tally.excluded.values())
    record.excluded_by_reason = tally.excluded
    record.rejects_path = str(rejects_path) if tally.rejected else ""
    if not tally.rejected:
        rejects_path.unlink(missing_ok=True)
    record.finish()
    record.save()
    if not record.dry_run and result.stored + result.updated:
        _schedule_recompute(f"import {record.pk} of {record.source}")
    report = ImportReport(
        import_id=record.pk, source=record.source, rows_read=tally.rows_read,
        stored=result.stored, updated=result.updated, rejected=tally.rejected,
        excluded=record.excluded, excluded_by_reason=dict(tally.excluded),
        rejects=tuple(rejects.sample), rejects_path=record.rejects_path,
        warnings=tuple(f"column not read: {c}" for c in plan.ignored), dry_run=record.dry_run,
        duration=time.monotonic() - started)
    audit_record(actor=record.by, action="interactions.import", obj=record,
                 summary=report.summary(),
                 changes={"file": record.file_name, "rows_read": report.rows_read,
                          "stored": report.stored, "updated": report.updated,
                          "rejected": report.rejected, "excluded": report.excluded,
                          "dry_run": report.dry_run})
    return report


class _Tally:
    """Running counts of an import."""

    def __init__(self):
        self.rows_read = 0
        self.rejected = 0
        self.excluded: dict[str, int] = {}

    def add(self, raw: RawBatch, checker: BatchChecker, rejects: RejectWriter, session) -> None:
        self.rows_read += raw.table.num_rows + len(raw.invalid)
        if raw.invalid:
            self.rejected += len(raw.invalid)
            rejects.write(pa.table({
                "line": [i[0] for i in raw.invalid], "field": [""] * len(raw.invalid),
                "value": [i[1] for i in raw.invalid], "reason": [i[2] for i in raw.invalid]},
                schema=REJECT_SCHEMA))
        if raw.table.num_rows == 0:
            return
        checked = checker.check(raw.table, raw.lines)
        self.rejected += checked.rejected
        rejects.write(checked.rejects)
        for reason, count in checked.excluded.items():
            self.excluded[reason] = self.excluded.get(reason, 0) + count
        session.add(checked.records)


def _progress(record: InteractionImport, reader, progress: Progress | None,
              record_progress: bool) -> Callable[[], None]:
    last = [0.0]

    def report() -> None:
        if reader is None:
            return
        if progress is not None:
            progress(reader.done, reader.total, reader.unit)
        now = time.monotonic()
        if record_progress and reader.total and now - last[0] >= PROGRESS_EVERY:
            last[0] = now
            share = min(0.99, reader.done / reader.total)
            InteractionImport.objects.filter(pk=record.pk).update(progress=share)

    return report


def _failed(record: InteractionImport, message: str) -> None:
    record.fail(message)
    record.save()
    audit_record(actor=record.by, action="interactions.import_failed", obj=record,
                 summary=f"import {record.pk} of {record.source} failed: {message}"[:500])


def _default_zone() -> str:
    from django.conf import settings

    return settings.TIME_ZONE


def known_format(path: str | Path) -> str:
    """The format an import would read the file as (raises FileError for an unknown one)."""
    return file_format(Path(path))
