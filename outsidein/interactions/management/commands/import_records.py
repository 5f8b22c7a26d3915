"""`import_records FILE --source NAME [--mapping M] [--encoding E] [--dry-run]` and
`import_records undo ID`."""

import codecs
import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from outsidein.accounts.models import Organization
from outsidein.interactions.models import ImportStatus, InteractionImport, SourceMapping
from outsidein.interactions.readers import DEFAULT_BATCH_ROWS
from outsidein.interactions.services import (
    MAPPING_FIELDS,
    ImportFailed,
    interactions_import,
    interactions_import_undo,
    source_mapping_create,
    source_mapping_update,
)


class Command(BaseCommand):
    help = ("Import interaction records from a CSV, XLSX, Parquet or JSON-lines file; undo an "
            "import (`undo ID`); or save a column mapping from a JSON file (`mapping FILE`).")

    def add_arguments(self, parser):
        parser.add_argument("file", help="file to import; or 'undo' followed by an import id; "
                                         "or 'mapping' followed by a JSON file")
        parser.add_argument("import_id", nargs="?",
                            help="with undo: the import to undo; with mapping: the JSON file")
        parser.add_argument("--source", help="name of the source system the records come from")
        parser.add_argument("--mapping", help="saved column mapping (default: the source's)")
        parser.add_argument("--organization", metavar="CODE",
                            help="organization that owns a source imported for the first time "
                                 "(default: the organization tree's root)")
        parser.add_argument("--encoding", default="", metavar="NAME",
                            help="a CSV file's encoding (utf-8, cp1252, iso-8859-1, utf-16...), "
                                 "over the mapping's and detection; lines it cannot read are "
                                 "rejected with their line number")
        parser.add_argument("--dry-run", action="store_true",
                            help="check and count everything, store nothing")
        parser.add_argument("--yes", action="store_true",
                            help="with undo: do it (otherwise only say what would change)")
        parser.add_argument("--batch-rows", type=int, default=None, metavar="N",
                            help="rows read at a time (bounds memory; default 250,000)")

    def handle(self, *args, file, import_id, source, mapping, dry_run, yes, batch_rows,
               organization=None, encoding="", **options):
        if file == "undo" and import_id is not None:
            return self._undo(import_id, yes=yes)
        if file == "mapping" and import_id is not None:
            return self._mapping(Path(import_id))
        if import_id is not None:
            raise CommandError("one file at a time (or: undo ID)")
        if not source:
            raise CommandError("--source is required: the source system the records come from")
        if encoding:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise CommandError(f"unknown encoding {encoding!r} (e.g. utf-8, cp1252, "
                                   f"iso-8859-1, utf-16)") from None
        return self._import(Path(file), source=source, mapping=mapping, dry_run=dry_run,
                            batch_rows=batch_rows, organization=organization,
                            encoding=encoding)

    def _import(self, path: Path, *, source: str, mapping: str | None, dry_run: bool,
                batch_rows: int | None, organization: str | None = None,
                encoding: str = "") -> None:
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        bar = _ProgressBar(getattr(self.stderr, "_out", sys.stderr))
        try:
            report = interactions_import(path=path, source=source, mapping=mapping,
                                         dry_run=dry_run, progress=bar.update,
                                         batch_rows=batch_rows or DEFAULT_BATCH_ROWS,
                                         organization=organization, encoding=encoding)
        except ImportFailed as exc:
            raise CommandError(f"{path}: {exc} (nothing was stored)") from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        finally:
            bar.close()
        # Warnings come first, on the same stream as the summary, so they read in order; the
        # columns left unread are one line, not one line each.
        unread = [w.removeprefix("column not read: ") for w in report.warnings
                  if w.startswith("column not read: ")]
        if unread:
            self.stdout.write(f"warning: {len(unread)} column(s) not read: {', '.join(unread)}")
        for warning in report.warnings:
            if not warning.startswith("column not read: "):
                self.stdout.write(f"warning: {warning}")
        for reject in report.rejects:
            self.stdout.write(f"  rejected {reject}")
        if report.rejected > len(report.rejects):
            self.stdout.write(f"  ... and {report.rejected - len(report.rejects):,} more")
        self.stdout.write(report.summary())
        if report.rejects_path:
            self.stdout.write(f"Reject report: {report.rejects_path}")
        if report.rejected:
            kept = "would be stored" if dry_run else "were stored"
            raise CommandError(f"{report.rejected:,} row(s) rejected (see the reject report); "
                               f"the other rows {kept}.", returncode=1)

    def _undo(self, import_id: str, *, yes: bool) -> None:
        try:
            record = InteractionImport.objects.get(pk=int(import_id))
        except (ValueError, InteractionImport.DoesNotExist):
            raise CommandError(f"no import {import_id}") from None
        if record.status != ImportStatus.DONE or record.dry_run:
            state = "a dry run" if record.dry_run else record.get_status_display().lower()
            raise CommandError(f"import {record.pk} is {state}; only a finished import can be "
                               f"undone")
        if not yes:
            self.stdout.write(
                f"Import {record.pk} ({record.source}, {record.file_name or 'API batch'}, "
                f"{record.finished_at:%Y-%m-%d %H:%M}): undoing it removes the "
                f"{record.stored + record.updated:,} records it wrote and puts back the "
                f"{record.updated:,} earlier versions it replaced. Run again with --yes to do it.")
            return
        try:
            record, result = interactions_import_undo(import_id=record.pk)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"Import {record.pk} undone: {result.removed:,} records removed, "
                          f"{result.restored:,} earlier versions restored.")


    def _mapping(self, path: Path) -> None:
        """Create or update the saved mapping a JSON file describes (by its name)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path}: not a readable JSON file ({exc})") from None
        if not isinstance(data, dict) or not data.get("name") or not data.get("source"):
            raise CommandError(f"{path}: a JSON object with at least a name and a source")
        unknown = set(data) - MAPPING_FIELDS - {"name", "source", "organization"}
        if unknown:
            raise CommandError(f"{path}: unknown key(s) {', '.join(sorted(unknown))} (known: "
                               f"name, source, organization, {', '.join(sorted(MAPPING_FIELDS))})")
        name = data.pop("name")
        if data.get("organization"):
            code = data.pop("organization")
            data["organization"] = Organization.objects.filter(code=code).first()
            if data["organization"] is None:
                raise CommandError(f"{path}: no organization with the code {code!r}")
        existing = SourceMapping.objects.filter(name=name).first()
        try:
            if existing is None:
                mapping = source_mapping_create(name=name, **data)
                verb = "Saved"
            else:
                mapping = source_mapping_update(mapping=existing, **data)
                verb = "Updated"
        except ValidationError as exc:
            raise CommandError(f"{path}: {'; '.join(exc.messages)}") from None
        self.stdout.write(f"{verb} mapping {mapping.name!r} for source {mapping.source!r}: "
                          f"{len(mapping.column_map)} mapped column(s), time zone "
                          f"{mapping.time_zone}, dates {mapping.timestamp_format or 'ISO 8601'}.")


class _ProgressBar:
    """A tqdm bar on stderr when it is a terminal (bytes or rows read); silent otherwise."""
    def __init__(self, stream):
        self._stream = stream
        self._bar = None
        self._enabled = hasattr(stream, "isatty") and stream.isatty()

    def update(self, done: int, total: int | None, unit: str) -> None:
        if not self._enabled:
            return
        if self._bar is None:
            from tqdm import tqdm

            scale = unit.strip() == "B"
            self._bar = tqdm(total=total, unit=unit.strip() or "B", unit_scale=scale,
                             unit_divisor=1024 if scale else 1000, file=self._stream,
                             leave=False, desc="Reading")
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
