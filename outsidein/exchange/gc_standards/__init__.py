"""Import and export of service standards and their reported results in the Government of
Canada service-standards layout (ss_2024.csv)."""

from outsidein.exchange.gc_standards.exporter import standards_export_gc
from outsidein.exchange.gc_standards.importer import standards_import_gc
from outsidein.exchange.gc_standards.report import Reject, RowFinding, StandardsImportReport
from outsidein.exchange.reading import GcFileError

__all__ = ["GcFileError", "Reject", "RowFinding", "StandardsImportReport",
           "standards_export_gc", "standards_import_gc"]
