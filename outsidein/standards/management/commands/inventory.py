"""`inventory import|export FILE --format gc`: the service inventory in an interchange layout."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from outsidein.accounts.models import Organization
from outsidein.standards.management.progress import row_progress

FORMATS = ("gc",)


class Command(BaseCommand):
    help = "Import or export the service inventory (format gc: the GC service-inventory layout)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help="Add or update services from a file.")
        load.add_argument("file", help="CSV file to read")
        load.add_argument("--format", required=True, help="layout of the file: gc")
        load.add_argument("--dry-run", action="store_true",
                          help="check and count everything, store nothing")
        dump = actions.add_parser("export", help="Write services to a file.")
        dump.add_argument("file", help="CSV file to write")
        dump.add_argument("--format", required=True, help="layout of the file: gc")
        dump.add_argument("--organization", action="append", default=[], metavar="CODE",
                          help="only this organization and those beneath it (repeatable)")

    def handle(self, *args, action, file, format, **options):
        if format not in FORMATS:
            raise CommandError(f"unknown format {format!r} (known: {', '.join(FORMATS)})")
        if action == "import":
            return self._import(Path(file), dry_run=options["dry_run"])
        return self._export(Path(file), options["organization"])

    def _import(self, path: Path, *, dry_run: bool) -> None:
        from outsidein.standards.gc_inventory import InventoryFileError, inventory_import_gc

        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            with row_progress(path) as progress:
                report = inventory_import_gc(path_or_file=path, dry_run=dry_run, progress=progress)
        except InventoryFileError as exc:
            raise CommandError(f"{path}: {exc}") from None
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        for reject in report.rejects:
            self.stdout.write(f"  rejected {reject}")
        self.stdout.write(report.summary())
        if report.rejected:
            kept = "would be stored" if dry_run else "were stored"
            raise CommandError(f"{report.rejected:,} row(s) rejected (listed above); the other "
                               f"rows {kept}.", returncode=1)

    def _export(self, path: Path, codes: list[str]) -> None:
        from outsidein.standards.gc_inventory import inventory_export_gc

        organizations = None
        if codes:
            found = {o.code: o for o in Organization.objects.filter(code__in=codes)}
            unknown = [code for code in codes if code not in found]
            if unknown:
                raise CommandError(f"no organization with code {', '.join(unknown)}")
            organizations = [found[code] for code in codes]
        if not path.parent.is_dir():
            raise CommandError(f"no such directory: {path.parent}")
        written = inventory_export_gc(file=path, organizations=organizations)
        self.stdout.write(f"Wrote {written:,} row{'' if written == 1 else 's'} to {path}")
