"""The Government of Canada service-inventory layout: columns, codes and how they map."""

from outsidein.accounts.models import ClientType
from outsidein.standards.vocabulary import Channel

SOURCE = "gc-si"

# The publisher's column order (Open Government dataset 3ac0d080, resource "service").
COLUMNS: tuple[str, ...] = (
    "fiscal_yr", "service_id", "service_name_en", "service_name_fr", "service_description_en",
    "service_description_fr", "service_type", "service_recipient_type", "service_scope",
    "client_target_groups", "program_id", "program_name_en", "program_name_fr",
    "client_feedback_channel", "automated_decision_system",
    "automated_decision_system_description_en", "automated_decision_system_description_fr",
    "service_fee", "os_account_registration", "os_authentication", "os_application",
    "os_decision", "os_issuance", "os_issue_resolution_feedback",
    "os_comments_client_interaction_en", "os_comments_client_interaction_fr",
    "last_service_review", "last_service_improvement", "sin_usage", "cra_bn_identifier_usage",
    "num_phone_enquiries", "num_applications_by_phone", "num_website_visits",
    "num_applications_online", "num_applications_in_person", "num_applications_by_mail",
    "num_applications_by_email", "num_applications_by_fax", "num_applications_by_other",
    "num_applications_total", "special_remarks_en", "special_remarks_fr", "service_uri_en",
    "service_uri_fr", "owner_org", "owner_org_title",
)

# Without these a row cannot become a service; a file lacking one is refused as a whole.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "fiscal_yr", "service_id", "service_name_en", "service_name_fr", "service_fee",
    "owner_org", "owner_org_title",
)

# Where a fiscal year's other rows of one service are kept (not a column name of the layout).
OTHER_YEARS_KEY = "_other_years"

# client_target_groups codes that have a ClientType; FOR (foreign entities) and PTC
# (provinces, territories, communities) have none and stay only in the source attributes.
CLIENT_TYPES: dict[str, str] = {
    "PERSON": ClientType.INDIVIDUALS,
    "ECONOM": ClientType.BUSINESSES,
    "INTERN_GOV": ClientType.INTERNAL,
    "NGO": ClientType.NON_PROFITS,
}

# A channel is offered when one of its volume columns reports use (see channels_offered).
CHANNEL_VOLUMES: dict[str, tuple[str, ...]] = {
    Channel.IN_PERSON: ("num_applications_in_person",),
    Channel.TELEPHONE: ("num_applications_by_phone", "num_phone_enquiries"),
    Channel.MAIL: ("num_applications_by_mail",),
    Channel.FAX: ("num_applications_by_fax",),
    Channel.EMAIL: ("num_applications_by_email",),
    Channel.ONLINE: ("num_applications_online",),
    Channel.OTHER: ("num_applications_by_other",),
}

# Online-enablement flags: any "Y" means some step of the service is done online.
ONLINE_FLAGS: tuple[str, ...] = (
    "os_account_registration", "os_authentication", "os_application", "os_decision",
    "os_issuance", "os_issue_resolution_feedback",
)

# The publisher's markers in volume columns: not applicable, and no data collected.
NOT_APPLICABLE = "NA"
NO_DATA = "ND"
