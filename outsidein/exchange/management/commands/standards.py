"""`standards import|export FILE --format gc`: service standards and their reported results in
an interchange layout.

Exit status: 0 when every row was stored, even with data-quality findings (missing or zero
volumes, performance above 1, ...): those are facts about the file, reported and stored, not
failures. 1 when the file cannot be read or a row was rejected (the other rows are stored).
"""

from pathlib import Path

from django.core.management.base import CommandError

from outsidein.common.spreadsheet_safe import SafeCsvWriter
from outsidein.compliance.models import ResultSource
from outsidein.exchange.commands import GcFileCommand
from outsidein.exchange.gc_standards import standards_export_gc, standards_import_gc


class Command(GcFileCommand):
    help = ("Import or export service standards with their reported results (format gc: the "
            "GC service-standards layout).")
    import_help = "Add or update standards and results."
    export_help = "Write fiscal-year results to a file."

    def add_import_arguments(self, parser):
        parser.add_argument("--list-findings", action="store_true",
                            help="print every data-quality finding, not only the counts by code")
        parser.add_argument("--report", metavar="CSV",
                            help="also write every rejected row and finding to this CSV file")

    def add_export_arguments(self, parser):
        parser.add_argument("--source", choices=ResultSource.values,
                            help="only results of this source (default: all)")

    def check_import(self, options):
        report_path = options["report"]
        if report_path and not Path(report_path).parent.is_dir():
            raise CommandError(f"no such directory: {Path(report_path).parent}")

    def import_file(self, path, *, dry_run, progress):
        return standards_import_gc(path_or_file=path, dry_run=dry_run, progress=progress)

    def print_details(self, report, options):
        if options["list_findings"]:
            for finding in report.findings:
                self.stdout.write(f"  finding {finding}")

    def after_summary(self, report, options):
        if options["report"]:
            _write_report(Path(options["report"]), report)
            self.stdout.write(f"Rejects and findings written to {options['report']}")

    def export_file(self, path, *, organizations, options):
        return standards_export_gc(file=path, organizations=organizations,
                                   source=options["source"])


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
