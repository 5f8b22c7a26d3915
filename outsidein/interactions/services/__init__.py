"""Writes of the interactions app: source systems, saved mappings, imports and their undo.

`imports` runs imports (what the task calls), `queue` hands uploads to the task worker,
`mappings` and `sources` keep the configuration an import uses.
"""

from outsidein.interactions.services.imports import (
    HELD_ELSEWHERE,
    PROGRESS_EVERY,
    ImportFailed,
    Progress,
    interactions_import,
    interactions_import_records,
    interactions_import_run,
    interactions_import_undo,
    known_format,
)
from outsidein.interactions.services.mappings import (
    MAPPING_FIELDS,
    source_mapping_create,
    source_mapping_update,
)
from outsidein.interactions.services.queue import interactions_import_enqueue
from outsidein.interactions.services.sources import source_system_for_import

__all__ = ["HELD_ELSEWHERE", "MAPPING_FIELDS", "PROGRESS_EVERY", "ImportFailed", "Progress",
           "interactions_import", "interactions_import_enqueue", "interactions_import_records",
           "interactions_import_run", "interactions_import_undo", "known_format",
           "source_mapping_create", "source_mapping_update", "source_system_for_import"]
