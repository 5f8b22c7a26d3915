"""Imports of interaction records (files, API batches, queued runs) and their undo."""

import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outsidein.accounts.models import Organization
from outsidein.common.audit import audit_record
from outsidein.common.changes import inputs_changed
from outsidein.interactions.mappings import MappingError, MappingSpec, plan_columns
from outsidein.interactions.models import (
    ImportStatus,
    InteractionImport,
    SourceMapping,
)
from outsidein.interactions.readers import (
    DEFAULT_BATCH_ROWS,
    FileError,
    RawBatch,
    file_format,
    json_text,
    open_reader,
)
from outsidein.interactions.report import ImportReport, RejectWriter
from outsidein.interactions.selectors import (
    imports_dir,
    interaction_store,
    mapping_for,
    subtree_codes,
)
from outsidein.interactions.services.sources import source_system_for_import
from outsidein.interactions.validation import REJECT_SCHEMA, BatchChecker
from outsidein.warehouse.store import StoreError, UndoResult

# progress(done, total, unit): bytes (CSV, JSON lines) or rows (XLSX, Parquet) read so far.
Progress = Callable[[int, int | None, str], Any]
# A queued import writes its progress to the database at most this often (seconds).
PROGRESS_EVERY = 1.0


class ImportFailed(Exception):
    """The import as a whole could not be done (unreadable file, unusable mapping); nothing was
    stored. The InteractionImport is marked failed with this message."""


# ---- imports -------------------------------------------------------------------------------

def interactions_import(*, path: str | Path, source: str, mapping: SourceMapping | str | None = None,
                        by=None, dry_run: bool = False, progress: Progress | None = None,
                        batch_rows: int = DEFAULT_BATCH_ROWS,
                        organization: str | None = None, encoding: str = "") -> ImportReport:
    """Import a file of interaction records now (CSV, XLSX, Parquet or JSON lines), as the
    command line does: with no scope of its own, but only for the source's owner's subtree.

    Rows that fail a check are written to the reject report and the rest are stored; a file
    that cannot be read at all raises ImportFailed and stores nothing. `organization` names the
    owner of a source imported for the first time (default: the tree's only root); `encoding`
    (a CSV's) overrides the mapping's and detection.
    """
    path = Path(path)
    record = _import_record(source=source, mapping=mapping, by=by, dry_run=dry_run,
                            file_name=path.name, path=str(path), owner=organization,
                            encoding=encoding)
    return _run(record, path, progress=progress, batch_rows=batch_rows)


def interactions_import_run(*, import_id: int, progress: Progress | None = None,
                            batch_rows: int = DEFAULT_BATCH_ROWS) -> ImportReport:
    """Run a queued import (what the task does), recording its progress as it goes."""
    record = InteractionImport.objects.get(pk=import_id)
    return _run(record, Path(record.path), progress=progress, batch_rows=batch_rows,
                record_progress=True)


def interactions_import_records(*, records: list[dict[str, Any]], source: str,
                                mapping: SourceMapping | str | None = None, by=None,
                                dry_run: bool = False,
                                organizations: list[str] | None = None,
                                organization: str | None = None) -> ImportReport:
    """Import a batch of records given as dicts (field or mapped column -> value), as the API
    does; a record's "line" in the reject report is its position in the batch (1 = first).

    With `organizations` (the codes the caller may import for), every record must name one of
    them; others are rejected as unknown organizations.
    """
    record = _import_record(source=source, mapping=mapping, by=by, dry_run=dry_run,
                            file_name="", path="", organizations=organizations,
                            owner=organization)
    record.file_format = "records"
    record.save(update_fields=["file_format"])
    header = list(dict.fromkeys(key for row in records for key in row))

    def batches(columns: list[str], categories: tuple[str, ...] = ()) -> Iterator[RawBatch]:
        table = pa.table({c: pa.array([json_text(r.get(c)) for r in records], pa.string())
                          for c in columns})
        yield RawBatch(table, pa.array(range(1, len(records) + 1), pa.int64()))

    return _run(record, None, header=header, batches=batches)


@transaction.atomic
def interactions_import_undo(*, import_id: int, by=None,
                             scope: list[str] | None = None) -> tuple[InteractionImport, UndoResult]:
    """Take an import's records out of the store and put back the versions it replaced.

    `scope`: the organization codes the caller may import for (None: any); it must hold the
    organization that owns the import's source.
    """
    record = (InteractionImport.objects.select_for_update(of=("self",))
              .select_related("organization")
              .get(pk=import_id))
    if scope is not None and (record.organization is None
                              or record.organization.code not in scope):
        raise PermissionDenied("this import belongs to an organization outside your scope")
    if record.dry_run:
        raise ValidationError("A dry run stored nothing; there is nothing to undo.")
    record.undo()  # refuses anything but a finished import
    result = interaction_store().undo(record.pk)
    record.save(update_fields=["status", "undone_at"])
    audit_record(actor=by, action="interactions.import_undo", obj=record,
                 summary=f"import {record.pk} of {record.source} undone",
                 changes={"removed": result.removed, "restored": result.restored})
    inputs_changed(reason=f"import {record.pk} of {record.source} undone")
    return record, result


# ---- machinery -----------------------------------------------------------------------------


def _import_record(*, source: str, mapping, by, dry_run: bool, file_name: str, path: str,
                   queued: bool = False, organizations: list[str] | None = None,
                   owner: str | None = None, encoding: str = "") -> InteractionImport:
    source = (source or "").strip()
    if not source:
        raise ValidationError({"source": _("Name the source system the records come from.")})
    system = source_system_for_import(name=source, scope=organizations, owner=owner, by=by,
                                      register=not dry_run)
    saved = mapping_for(source, mapping, scope=organizations)
    # A scoped importer's records may name (and replace records of) the source owner's
    # subtree within its scope; None (the command line) means the owner's whole subtree.
    allowed = None
    if organizations is not None:
        allowed = sorted(set(subtree_codes(system.organization)) & set(organizations))
    record = InteractionImport(source=source, mapping=saved, by=by if getattr(by, "pk", None)
                               else None, dry_run=dry_run, file_name=file_name[:255], path=path,
                               organization=system.organization, organizations=allowed,
                               encoding=encoding)
    if not queued:
        record.start()
    record.full_clean()
    record.save()
    return record


def _run(record: InteractionImport, path: Path | None, *, progress: Progress | None = None,
         batch_rows: int = DEFAULT_BATCH_ROWS, record_progress: bool = False,
         header: list[str] | None = None,
         batches: Callable[..., Iterable[RawBatch]] | None = None) -> ImportReport:
    # What the records may name, and whose stored records they may replace: fixed when the
    # import was made, so a queued import keeps its importer's scope. The command line (no
    # scope) imports for the source owner's subtree and may leave the organization blank.
    scoped = record.organizations is not None
    if scoped:
        organizations = record.organizations
    elif record.organization is not None:
        organizations = subtree_codes(record.organization)
    else:  # an import made before sources had owners
        organizations = list(Organization.objects.values_list("code", flat=True))
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
        checker = BatchChecker(plan, spec, source=record.source, now=timezone.now(),
                               organizations=organizations, require_organization=scoped)
        report_progress = _progress(record, reader, progress, record_progress)
        rejects = RejectWriter(rejects_path)
        try:
            with store.session(record.pk, owners=organizations if scoped else None) as session:
                for raw in batches(plan.columns, plan.categories):
                    tally.add(raw, checker, rejects, session)
                    report_progress()
                result = session.preview() if record.dry_run else session.commit()
            tally.refuse(result.refused, rejects)
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
        inputs_changed(reason=f"import {record.pk} of {record.source}")
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


# Said of a record whose stored version another organization holds. It says nothing of that
# record (not whose it is, nor what it holds): the import simply may not change it.
HELD_ELSEWHERE = ("a record with this id is held by an organization you may not import for; "
                  "it was not changed")


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

    def refuse(self, refused: tuple[tuple[int | None, str], ...], rejects: RejectWriter) -> None:
        """Count and report the rows the store refused at commit (see HELD_ELSEWHERE)."""
        if not refused:
            return
        self.rejected += len(refused)
        rejects.write(pa.table({
            "line": [line for line, _id in refused], "field": ["record_id"] * len(refused),
            "value": [record_id for _line, record_id in refused],
            "reason": [HELD_ELSEWHERE] * len(refused)}, schema=REJECT_SCHEMA))


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
    return settings.TIME_ZONE


def known_format(path: str | Path) -> str:
    """The format an import would read the file as (raises FileError for an unknown one)."""
    return file_format(Path(path))
