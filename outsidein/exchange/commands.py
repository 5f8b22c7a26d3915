"""What the GC file commands share (`inventory` and `standards`): `import|export FILE
--format gc`, the checks on paths and organization codes, the report printed and the exit
status (1 when a row was rejected; the other rows are stored)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from outsidein.accounts.models import Organization
from outsidein.exchange.progress import row_progress
from outsidein.exchange.reading import GcFileError
from outsidein.exchange.report import GcImportReport

FORMATS = ("gc",)


class GcFileCommand(BaseCommand):
    """A command importing and exporting one GC layout; subclasses say which, and add options."""

    import_help = ""
    export_help = ""

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help=self.import_help)
        load.add_argument("file", help="CSV file to read")
        load.add_argument("--format", required=True, help="layout of the file: gc")
        load.add_argument("--dry-run", action="store_true",
                          help="check and count everything, store nothing")
        self.add_import_arguments(load)
        dump = actions.add_parser("export", help=self.export_help)
        dump.add_argument("file", help="CSV file to write")
        dump.add_argument("--format", required=True, help="layout of the file: gc")
        dump.add_argument("--organization", action="append", default=[], metavar="CODE",
                          help="only this organization and those beneath it (repeatable)")
        self.add_export_arguments(dump)

    def add_import_arguments(self, parser) -> None:
        """Options of `import` beyond FILE, --format and --dry-run."""

    def add_export_arguments(self, parser) -> None:
        """Options of `export` beyond FILE, --format and --organization."""

    def import_file(self, path: Path, *, dry_run: bool, progress) -> GcImportReport:
        raise NotImplementedError

    def export_file(self, path: Path, *, organizations: list[Organization] | None,
                    options: dict[str, Any]) -> int:
        raise NotImplementedError

    def check_import(self, options: dict[str, Any]) -> None:
        """Refuse options that cannot work (CommandError) before the file is read."""

    def print_details(self, report: GcImportReport, options: dict[str, Any]) -> None:
        """Lines printed between the rejected rows and the summary."""

    def after_summary(self, report: GcImportReport, options: dict[str, Any]) -> None:
        """What to do once the summary is printed."""

    def handle(self, *args, action, file, format, **options):
        if format not in FORMATS:
            raise CommandError(f"unknown format {format!r} (known: {', '.join(FORMATS)})")
        if action == "import":
            return self._import(Path(file), options)
        return self._export(Path(file), options)

    def _import(self, path: Path, options: dict[str, Any]) -> None:
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        self.check_import(options)
        dry_run = options["dry_run"]
        try:
            with row_progress(path) as progress:
                report = self.import_file(path, dry_run=dry_run, progress=progress)
        except GcFileError as exc:
            raise CommandError(f"{path}: {exc}") from None
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        for reject in report.rejects:
            self.stdout.write(f"  rejected {reject}")
        self.print_details(report, options)
        self.stdout.write(report.summary())
        self.after_summary(report, options)
        if report.rejected:
            kept = "would be stored" if dry_run else "were stored"
            raise CommandError(f"{report.rejected:,} row(s) rejected (listed above); the other "
                               f"rows {kept}.", returncode=1)

    def _export(self, path: Path, options: dict[str, Any]) -> None:
        codes = options["organization"]
        organizations = None
        if codes:
            found = {o.code: o for o in Organization.objects.filter(code__in=codes)}
            unknown = [code for code in codes if code not in found]
            if unknown:
                raise CommandError(f"no organization with code {', '.join(unknown)}")
            organizations = [found[code] for code in codes]
        if not path.parent.is_dir():
            raise CommandError(f"no such directory: {path.parent}")
        written = self.export_file(path, organizations=organizations, options=options)
        self.stdout.write(f"Wrote {written:,} row{'' if written == 1 else 's'} to {path}")
