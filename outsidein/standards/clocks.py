"""Registry of clock events per channel: what a standard's clock may start, stop and pause on.

Each entry is one line of documentation; a test fails when an event is undocumented. The
interaction importer (channel record schemas) uses the same names.
"""

from outsidein.standards.vocabulary import Channel

CLOCK_EVENTS: dict[str, dict[str, str]] = {
    Channel.TELEPHONE: {
        "call_started": "The call reached the queue or line.",
        "answered": "A person answered the call.",
        "abandoned": "The caller hung up before an answer.",
        "callback_requested": "The caller asked to be called back.",
        "callback_returned": "The call was returned.",
    },
    "correspondence": {
        "received": "The letter, fax or e-mail was received.",
        "acknowledged": "An interim acknowledgement with an expected date was sent.",
        "responded": "The final response was sent.",
    },
    Channel.IN_PERSON: {
        "arrived": "The client arrived and joined the queue.",
        "served": "Staff began serving the client.",
    },
    Channel.ONLINE: {
        "submitted": "The application or request was submitted.",
        "completed": "The product was completed or ready.",
        "delivered": "Delivery of the product was attempted.",
        "due": "The due time set by the source system.",
    },
    "feedback": {
        "received": "The complaint, compliment or suggestion was received.",
        "acknowledged": "The client was told it was received.",
        "followed_up": "The client was contacted with progress.",
        "resolved": "The case was closed and the client told the outcome.",
    },
}

# Channels that share a record schema.
CHANNEL_SCHEMA = {
    Channel.TELEPHONE: Channel.TELEPHONE,
    Channel.MAIL: "correspondence",
    Channel.FAX: "correspondence",
    Channel.EMAIL: "correspondence",
    Channel.IN_PERSON: Channel.IN_PERSON,
    Channel.KIOSK: Channel.ONLINE,
    Channel.ONLINE: Channel.ONLINE,
    Channel.OTHER: Channel.ONLINE,
}


def clock_events_for(channel: str) -> dict[str, str]:
    """The events a clock may use on a channel ("" or unknown: every event)."""
    schema = CHANNEL_SCHEMA.get(channel)
    if schema is None:
        merged: dict[str, str] = {}
        for events in CLOCK_EVENTS.values():
            merged.update(events)
        return merged
    return CLOCK_EVENTS[schema]
