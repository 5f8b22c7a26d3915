"""Import and export of services in the Government of Canada service-inventory layout."""

from outsidein.exchange.gc_inventory.exporter import inventory_export_gc
from outsidein.exchange.gc_inventory.importer import inventory_import_gc
from outsidein.exchange.gc_inventory.parser import InventoryFileError
from outsidein.exchange.gc_inventory.report import ImportReport, Reject

__all__ = ["ImportReport", "InventoryFileError", "Reject", "inventory_export_gc",
           "inventory_import_gc"]
