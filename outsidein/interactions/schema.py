"""The canonical interaction record, as the import pages, forms and checks name it, and the
import's own rule on it (`MAX_LENGTHS`).

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

__all__ = ["ATTRIBUTES", "CATEGORIES", "CHANNELS", "EVENTS", "MAX_LENGTHS", "START_EVENTS",
           "TIMESTAMP", "event_column", "record_schema"]

# The longest value (in characters) each text attribute takes: identifiers 200, codes and names
# 64, free text 1000 (docs/channel-schemas.md). A longer value rejects its row at import, so a
# damaged or hostile file cannot fill the store with megabyte "identifiers".
MAX_LENGTHS: dict[str, int] = {
    "source": 64,
    "record_id": 200,
    "channel": 64,
    "organization": 64,
    "service": 64,
    "queue": 200,
    "tier": 64,
    "exclusion_reason": 1000,
}
