"""The canonical interaction record, as the import pages, forms and checks name it.

The record's shape belongs to the store that holds it, so it is defined in
`outsidein/warehouse/schema.py` (the warehouse is below interactions and imports nothing from
it); this module gives the interactions app, and the apps above it, the same names.
"""

from outsidein.warehouse.schema import (
    ATTRIBUTES,
    CATEGORIES,
    CHANNELS,
    EVENTS,
    START_EVENTS,
    TIMESTAMP,
    event_column,
    record_schema,
)

__all__ = ["ATTRIBUTES", "CATEGORIES", "CHANNELS", "EVENTS", "START_EVENTS", "TIMESTAMP",
           "event_column", "record_schema"]
