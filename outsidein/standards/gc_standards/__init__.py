"""Import and export of service standards and their reported results in the Government of
Canada service-standards layout (ss_2024.csv)."""

from outsidein.standards.gc_common import GcFileError
from outsidein.standards.gc_standards.exporter import standards_export_gc
from outsidein.standards.gc_standards.importer import standards_import_gc
from outsidein.standards.gc_standards.report import Reject, RowFinding, StandardsImportReport

__all__ = ["GcFileError", "Reject", "RowFinding", "StandardsImportReport",
           "standards_export_gc", "standards_import_gc"]
