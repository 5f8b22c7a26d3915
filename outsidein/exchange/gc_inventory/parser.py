"""Reading a service-inventory CSV file: the shared GC reader (see exchange.reading)."""

from outsidein.exchange.reading import GcFileError, GcReader, Row, count_rows, open_gc_file

# The inventory's names for the shared pieces.
InventoryFileError = GcFileError
InventoryReader = GcReader
open_inventory = open_gc_file

__all__ = ["InventoryFileError", "InventoryReader", "Row", "count_rows", "open_inventory"]
