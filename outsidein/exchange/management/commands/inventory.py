"""`inventory import|export FILE --format gc`: the service inventory in an interchange layout."""

from outsidein.exchange.commands import GcFileCommand
from outsidein.exchange.gc_inventory import inventory_export_gc, inventory_import_gc


class Command(GcFileCommand):
    help = "Import or export the service inventory (format gc: the GC service-inventory layout)."
    import_help = "Add or update services from a file."
    export_help = "Write services to a file."

    def import_file(self, path, *, dry_run, progress):
        return inventory_import_gc(path_or_file=path, dry_run=dry_run, progress=progress)

    def export_file(self, path, *, organizations, options):
        return inventory_export_gc(file=path, organizations=organizations)
