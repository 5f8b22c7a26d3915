"""The canonical interaction record: one long shape for every channel (pure, no Django).

Every channel's records are stored in this one Arrow schema (unused columns are null), so the
compliance engine reads one dataset. Event columns are named `<clock event>_at`, where the clock
events are those of `outsidein/standards/clocks.py`; a standard's clock names them directly.
Instants are stored in UTC; the engine converts to each calendar's zone.

Defined in the warehouse, beside the store that partitions records by channel and start event;
`outsidein.interactions.schema` gives the same names to the apps above.
"""

import pyarrow as pa

# Channels as stored; "feedback" records come from the cases app.
CHANNELS = ("telephone", "mail", "fax", "email", "in_person", "online", "kiosk", "other",
            "feedback")

# clock event -> what it records (one line each; a test fails when one is undocumented)
EVENTS: dict[str, str] = {
    "call_started": "The call reached the queue or line.",
    "answered": "A person answered the call.",
    "abandoned": "The caller hung up before an answer.",
    "callback_requested": "The caller asked to be called back.",
    "callback_returned": "The call was returned.",
    "received": "The item (letter, fax, e-mail, complaint) was received.",
    "acknowledged": "An interim acknowledgement was sent.",
    "responded": "The final response was sent.",
    "arrived": "The client arrived and joined the queue.",
    "served": "Staff began serving the client.",
    "submitted": "The application or request was submitted.",
    "completed": "The product was completed or ready.",
    "delivered": "Delivery of the product was attempted.",
    "followed_up": "The client was contacted with progress.",
    "resolved": "The case was closed and the client told the outcome.",
    "due": "The due time set by the source system for this record.",
}

TIMESTAMP = pa.timestamp("us", tz="UTC")

# channel -> the events that open its record, by preference: a record needs one of them, and the
# first present (in UTC) sets the month partition the record is stored in. In person covers
# walk-in visits (arrived) and counter transactions (submitted).
START_EVENTS: dict[str, tuple[str, ...]] = {
    "telephone": ("call_started",),
    "mail": ("received",),
    "fax": ("received",),
    "email": ("received",),
    "in_person": ("arrived", "submitted"),
    "online": ("submitted",),
    "kiosk": ("submitted",),
    "other": ("submitted", "received", "arrived", "call_started"),
    "feedback": ("received",),
}

# column -> (Arrow type, description)
ATTRIBUTES: dict[str, tuple[pa.DataType, str]] = {
    "source": (pa.string(), "Name of the source system (with record_id, the record's identity)."),
    "record_id": (pa.string(), "Identifier of the record in its source system."),
    "import_id": (pa.int64(), "The import batch that wrote this version of the record."),
    "source_line": (pa.int64(), "Line (or row) of the imported file this version was read from."),
    "channel": (pa.string(), "One of CHANNELS."),
    "organization": (pa.string(), "Code of the organization unit (office, contact centre)."),
    "service": (pa.string(), "Code of the service, when the record concerns one."),
    "queue": (pa.string(), "Telephone line or queue, counter, or request type."),
    "tier": (pa.string(), "Service tier, e.g. regular or premium."),
    "rings": (pa.int32(), "Rings before the call was answered."),
    "wait_seconds": (pa.int64(), "Seconds to answer, when the source reports it directly."),
    "person_offered": (pa.bool_(), "Whether the caller was offered a person."),
    "redirects": (pa.int32(), "Times the call was transferred."),
    "wait_told": (pa.bool_(), "Whether the walk-in client was told the expected wait."),
    "fee_paid": (pa.decimal128(12, 2), "Fee paid for the transaction."),
    "guarantee_eligible": (pa.bool_(), "Whether the transaction is covered by a guarantee."),
    "exclusion_reason": (pa.string(), "Why the record is outside normal circumstances (counted, "
                                       "reported, never silently dropped)."),
}


# Text attributes with few distinct values (codes and names): stored dictionary-encoded.
CATEGORIES = ("source", "channel", "organization", "service", "queue", "tier", "exclusion_reason")


def record_schema() -> pa.Schema:
    """The Arrow schema of stored interaction records."""
    fields = [pa.field(name, typ, nullable=name not in ("source", "record_id", "channel"))
              for name, (typ, _doc) in ATTRIBUTES.items()]
    fields += [pa.field(f"{event}_at", TIMESTAMP) for event in EVENTS]
    return pa.schema(fields)


def event_column(event: str) -> str:
    """The column holding a clock event's instant."""
    if event not in EVENTS:
        raise KeyError(f"unknown clock event {event!r}")
    return f"{event}_at"
