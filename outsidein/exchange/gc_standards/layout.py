"""The Government of Canada service-standards layout: columns, codes and how they map."""

from outsidein.standards.vocabulary import Channel, StandardType

SOURCE = "gc-ss"

# The publisher's column order (Open Government dataset 3ac0d080, resource "service-std").
COLUMNS: tuple[str, ...] = (
    "fiscal_yr", "service_id", "service_name_en", "service_name_fr", "service_standard_id",
    "service_standard_en", "service_standard_fr", "type", "channel", "channel_comments_en",
    "channel_comments_fr", "target", "volume_meeting_target", "total_volume", "performance",
    "comments_en", "comments_fr", "target_met", "standards_targets_uri_en",
    "standards_targets_uri_fr", "performance_results_uri_en", "performance_results_uri_fr",
    "owner_org", "owner_org_title",
)

# Without these a row cannot become a standard; a file lacking one is refused as a whole.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "fiscal_yr", "service_id", "service_standard_id", "service_standard_en",
    "service_standard_fr", "type", "channel", "owner_org", "owner_org_title",
)

# Columns held in fields of the standard, its version or its result (and so not kept as
# source attributes unless the field cannot give the value back exactly).
MODELLED = frozenset({
    "fiscal_yr", "service_id", "service_standard_en", "service_standard_fr", "type", "channel",
    "target", "volume_meeting_target", "total_volume", "performance", "target_met",
    "owner_org", "owner_org_title",
})

# Each row's own values kept verbatim with its version even though a field exists: the id as
# published (the standard's code may be qualified, see importer) and the service's names as
# written on that row (the same service_id is named differently on different rows).
KEPT_VERBATIM: tuple[str, ...] = ("service_standard_id", "service_name_en", "service_name_fr")

STANDARD_TYPES: dict[str, str] = {
    "TML": StandardType.TIMELINESS,
    "ACS": StandardType.ACCESS,
    "ACY": StandardType.ACCURACY,
    "OTH": StandardType.OTHER,
}

CHANNELS: dict[str, str] = {
    "ONL": Channel.ONLINE,
    "EML": Channel.EMAIL,
    "TEL": Channel.TELEPHONE,
    "POST": Channel.MAIL,
    "PERSON": Channel.IN_PERSON,
    "FAX": Channel.FAX,
    "OTH": Channel.OTHER,
}
TYPE_CODES = {value: code for code, value in STANDARD_TYPES.items()}
# Channels the layout has no code for (kiosk) are written as OTH.
CHANNEL_CODES = {value: code for code, value in CHANNELS.items()}

TARGET_MET_VALUES = ("Y", "N", "NA")

# Values publishers put in service_standard_id when a standard has no identifier.
PLACEHOLDER_IDS = frozenset({"NA", "N/A", "ND", "NONE", "NULL", "-", "TBD"})

# A code qualified with its service when the same id names another service's standard.
QUALIFIER = "@"


class FindingCode:
    """Codes of the data-quality findings an import records (DataQualityFinding.code)."""

    MISSING_VOLUME = "missing_volume"
    MISSING_MEETING_VOLUME = "missing_meeting_volume"
    ZERO_VOLUME = "zero_volume"
    PERFORMANCE_ABOVE_ONE = "performance_above_one"
    ZERO_TARGET = "zero_target"
    PLACEHOLDER_STANDARD_ID = "placeholder_standard_id"
    REUSED_STANDARD_ID = "reused_standard_id"
    PUBLISHED_PERFORMANCE_MISMATCH = "published_performance_mismatch"
    PUBLISHED_TARGET_MET_MISMATCH = "published_target_met_mismatch"
