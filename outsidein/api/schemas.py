"""What goes in and out of the API: both languages side by side, codes for organizations.

Inputs are strict about shape (unknown fields, wrong types, NUL characters: 422) and leave the
rules of the domain (blank names, clock events, uniqueness) to the services' full_clean, so one
set of rules, with one set of messages, applies to the staff pages and the API alike.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from outsidein.accounts.models import ClientType
from outsidein.standards.vocabulary import (
    Channel,
    Delivery,
    StandardType,
    Unit,
    VersionStatus,
)

MAX_ID = 2**63 - 1


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refuse it up front rather than fail on save.
    if "\x00" in value:
        raise PydanticCustomError("null_character", "Null characters are not allowed.")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Input(BaseModel):
    """Base of request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    def set_fields(self) -> dict:
        """Only the fields the client sent (PATCH semantics)."""
        return self.model_dump(exclude_unset=True)


# Organizations ------------------------------------------------------------------------------

class OrganizationOut(Schema):
    code: str
    name_en: str
    name_fr: str
    acronym: str
    kind: str
    parent: str | None = Field(None, description="Code of the parent organization.")
    level_of_government: str
    service_area: str
    client_types: list[str]

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


# Services -----------------------------------------------------------------------------------

class ServiceOut(Schema):
    id: int
    slug: str
    code: str
    organization: str = Field(description="Code of the organization offering the service.")
    name_en: str
    name_fr: str
    description_en: str
    description_fr: str
    has_fee: bool
    fee_amount: Decimal | None
    fees_en: str
    fees_fr: str
    line_of_business: str
    program_en: str
    program_fr: str
    client_types: list[str]
    channels: list[str]
    delivery: str
    delivery_partner: str
    contact_en: str
    contact_fr: str
    url_en: str
    url_fr: str
    is_public: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_organization(obj) -> str:
        return obj.organization.code


class ServiceFields(Input):
    """Fields a client may set on a service (all optional: PATCH sends only what changes)."""

    name_en: Text = None
    name_fr: Text = None
    description_en: Text = None
    description_fr: Text = None
    has_fee: bool = None
    fee_amount: Decimal | None = None
    fees_en: Text = None
    fees_fr: Text = None
    line_of_business: Text = None
    program_en: Text = None
    program_fr: Text = None
    client_types: list[ClientType] = None
    channels: list[Channel] = None
    delivery: Delivery = None
    delivery_partner: Text = None
    contact_en: Text = None
    contact_fr: Text = None
    url_en: Text = None
    url_fr: Text = None
    is_public: bool = None


class ServiceCreate(ServiceFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "organization": "pex-health", "code": "OHIP-REG",
        "name_en": "Health card registration", "name_fr": "Inscription à l'Assurance-santé",
        "description_en": "Apply for your first health card.",
        "description_fr": "Demandez votre première carte Santé.",
        "channels": ["in_person", "mail"], "client_types": ["individuals"],
    }]})

    organization: Text = Field(description="Code of the organization offering the service.")
    code: Text = Field(description="The service identifier, unique in the organization.")
    name_en: Text
    name_fr: Text


class ServicePatch(ServiceFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"channels": ["in_person", "mail", "online"], "url_en": "https://example.org/health"},
    ]})


class ServiceFilters(Schema):
    q: Text = Field("", description="Words in either language, or the service code.")
    organization: Text = Field("", description="Organization code (its subtree is included).")
    channel: Channel | None = None


# Standards ----------------------------------------------------------------------------------

class VersionOut(Schema):
    number: int
    status: VersionStatus
    effective_from: dt.date | None
    effective_to: dt.date | None
    name_en: str
    name_fr: str
    text_en: str
    text_fr: str
    pledge_en: str
    pledge_fr: str
    redress_en: str
    redress_fr: str
    standard_type: str
    channel: str | None
    clock_start: str
    clock_stop: str
    clock_pauses: list[str]
    unit: str
    threshold: Decimal | None
    target_share: Decimal | None
    calendar: int | None
    change_note: str
    created_at: dt.datetime
    published_at: dt.datetime | None

    @staticmethod
    def resolve_channel(obj) -> str | None:
        return obj.channel or None

    @staticmethod
    def resolve_calendar(obj) -> int | None:
        return obj.calendar_id


def _versions(obj) -> list:
    # Prefetched newest first by the selectors in this package; sorted again to be safe.
    return sorted(obj.versions.all(), key=lambda v: -v.number)


class StandardOut(Schema):
    id: int
    code: str
    organization: str
    service: int | None
    is_common: bool
    current: VersionOut | None = Field(
        None, description="The latest published version (what the public sees).")
    draft: VersionOut | None = Field(None, description="The open draft, if any.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_organization(obj) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_service(obj) -> int | None:
        return obj.service_id

    @staticmethod
    def resolve_current(obj):
        return next((v for v in _versions(obj) if v.status == VersionStatus.PUBLISHED), None)

    @staticmethod
    def resolve_draft(obj):
        return next((v for v in _versions(obj) if v.is_draft), None)


class StandardDetail(StandardOut):
    versions: list[VersionOut] = Field(description="Every version, newest first (history).")

    @staticmethod
    def resolve_versions(obj) -> list:
        return _versions(obj)


class VersionFields(Input):
    """Wording and numbers of a standard version (all optional: PATCH sends what changes)."""

    name_en: Text = None
    name_fr: Text = None
    text_en: Text = None
    text_fr: Text = None
    pledge_en: Text = None
    pledge_fr: Text = None
    redress_en: Text = None
    redress_fr: Text = None
    standard_type: StandardType = None
    channel: Channel | None = Field(None, description="null: not tied to one channel.")
    clock_start: Text = Field(None, description="Event that starts the clock.")
    clock_stop: Text = Field(None, description="Event that stops the clock.")
    clock_pauses: list[Text] = None
    unit: Unit = None
    threshold: Decimal | None = None
    target_share: Decimal | None = Field(None, description="0 to 1 (0.8 = 8 times in 10).")
    calendar: Id | None = Field(None, description="Business calendar id.")


class StandardCreate(VersionFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "organization": "pex-health", "code": "CSS-MAIL", "is_common": True,
        "name_en": "Mail answered within 15 business days",
        "name_fr": "Réponse au courrier en 15 jours ouvrables",
        "text_en": "We answer your letter within 15 business days of receipt.",
        "text_fr": "Nous répondons à votre lettre dans les 15 jours ouvrables suivant sa "
                   "réception.",
        "standard_type": "timeliness", "channel": "mail", "clock_start": "received",
        "clock_stop": "responded", "unit": "business_days", "threshold": "15",
        "target_share": "0.8",
    }]})

    organization: Text | None = Field(
        None, description="Organization code; defaults to the service's organization.")
    service: Id | None = Field(None, description="Service id; null for a common standard.")
    code: Text = Field(description="Identifier of the standard, unique in the organization.")
    is_common: bool = False
    name_en: Text
    name_fr: Text
    text_en: Text
    text_fr: Text
    standard_type: StandardType
    unit: Unit


class StandardPatch(VersionFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"target_share": "0.85", "change_note": "Target raised after a year at 91%."},
    ]})

    change_note: Text = Field("", description="Why the standard changes.")


class PublishIn(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{"effective_from": "2026-04-01"}]})

    effective_from: dt.date | None = Field(None, description="Defaults to today.")


class StandardFilters(Schema):
    service: Id | None = None
    organization: Text = Field("", description="Organization code (its subtree is included).")
