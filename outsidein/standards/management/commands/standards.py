"""`standards import|export FILE --format gc`: service standards and their reported results in
an interchange layout.

Exit status: 0 when every row was stored, even with data-quality findings (missing or zero
volumes, performance above 1, ...): those are facts about the file, reported and stored, not
failures. 1 when the file cannot be read or a row was rejected (the other rows are stored).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from outsidein.accounts.models import Organization
from outsidein.common.spreadsheet_safe import SafeCsvWriter
from outsidein.compliance.models import ResultSource
from outsidein.standards.management.progress import row_progress

FORMATS = ("gc",)


class Command(BaseCommand):
    help = ("Import or export service standards with their reported results (format gc: the "
            "GC service-standards layout).")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help="Add or update standards and results.")
        load.add_argument("file", help="CSV file to read")
        load.add_argument("--format", required=True, help="layout of the file: gc")
        load.add_argument("--dry-run", action="store_true",
                          help="check and count everything, store nothing")
        load.add_argument("--list-findings", action="store_true",
                          help="print every data-quality finding, not only the counts by code")
        load.add_argument("--report", metavar="CSV",
                          help="also write every rejected row and finding to this CSV file")
        dump = actions.add_parser("export", help="Write fiscal-year results to a file.")
        dump.add_argument("file", help="CSV file to write")
        dump.add_argument("--format", required=True, help="layout of the file: gc")
        dump.add_argument("--organization", action="append", default=[], metavar="CODE",
                          help="only this organization and those beneath it (repeatable)")
        dump.add_argument("--source", choices=ResultSource.values,
                          help="only results of this source (default: all)")

    def handle(self, *args, action, file, format, **options):
        if format not in FORMATS:
            raise CommandError(f"unknown format {format!r} (known: {', '.join(FORMATS)})")
        if action == "import":
            return self._import(Path(file), dry_run=options["dry_run"],
                                report_path=options["report"],
                                list_findings=options["list_findings"])
        return self._export(Path(file), options["organization"], options["source"])

    def _import(self, path: Path, *, dry_run: bool, report_path: str | None,
                list_findings: bool) -> None:
        from outsidein.standards.gc_standards import GcFileError, standards_import_gc

        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        if report_path and not Path(report_path).parent.is_dir():
            raise CommandError(f"no such directory: {Path(report_path).parent}")
        try:
            with row_progress(path) as progress:
                report = standards_import_gc(path_or_file=path, dry_run=dry_run, progress=progress)
        except GcFileError as exc:
            raise CommandError(f"{path}: {exc}") from None
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        for reject in report.rejects:
            self.stdout.write(f"  rejected {reject}")
        if list_findings:
            for finding in report.findings:
                self.stdout.write(f"  finding {finding}")
        self.stdout.write(report.summary())
        if report_path:
            _write_report(Path(report_path), report)
            self.stdout.write(f"Rejects and findings written to {report_path}")
        if report.rejected:
            kept = "would be stored" if dry_run else "were stored"
            raise CommandError(f"{report.rejected:,} row(s) rejected (listed above); the other "
                               f"rows {kept}.", returncode=1)

    def _export(self, path: Path, codes: list[str], source: str | None) -> None:
        from outsidein.standards.gc_standards import standards_export_gc

        organizations = None
        if codes:
            found = {o.code: o for o in Organization.objects.filter(code__in=codes)}
            unknown = [code for code in codes if code not in found]
            if unknown:
                raise CommandError(f"no organization with code {', '.join(unknown)}")
            organizations = [found[code] for code in codes]
        if not path.parent.is_dir():
            raise CommandError(f"no such directory: {path.parent}")
        written = standards_export_gc(file=path, organizations=organizations, source=source)
        self.stdout.write(f"Wrote {written:,} row{'' if written == 1 else 's'} to {path}")


def _write_report(path: Path, report) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = SafeCsvWriter(stream)  # a report for people: values are the file's own
        writer.writerow(["line", "record_key", "kind", "code", "field", "value", "message"])
        for reject in report.rejects:
            writer.writerow([reject.line, "", "rejected", "", reject.field, reject.value,
                             reject.reason])
        for finding in report.findings:
            writer.writerow([finding.line, finding.record_key, "finding", finding.code, "", "",
                             finding.message])
