"""The Province of Example: the one fictional world every test builds on.

`province_world()` is the light tree (the province, ministries A Health and B Transportation,
an office under each) with one named persona per role in A and B's quality lead: no services,
no records, cheap enough for any test. `example_world()` grows that same tree into two
ministries with services, standards, guarantees, calendars, saved mappings, imports, records
and compliance results, for the tests that need data. The root conftest serves both as
fixtures (`province_world`, `example_world`); the small builders below add what a test needs
on top of them.
"""

import datetime as dt
import inspect
from decimal import Decimal
from types import SimpleNamespace

from django.test import Client

from outsidein.accounts.models import ClientType, GovernmentLevel, Organization, OrgKind, Role
from outsidein.accounts.services import (
    api_token_create,
    membership_grant,
    organization_create,
    user_create,
)
from outsidein.calendars.services import calendar_create, calendar_set_hours
from outsidein.compliance.models import ComplianceResult
from outsidein.compliance.services import compliance_run
from outsidein.interactions import services as imports
from outsidein.interactions.services import interactions_import_records, source_mapping_create
from outsidein.standards.services import (
    guarantee_set,
    service_create,
    standard_create,
    standard_publish,
)
from outsidein.standards.vocabulary import Channel, RemedyKind, StandardType, Unit

PASSWORD = "correct-horse-battery-staple"


def province(code: str = "pex") -> object:
    """The Province of Example (fictional)."""
    return organization_create(code=code, name_en="Province of Example",
                               name_fr="Province d'Exemple", kind=OrgKind.GOVERNMENT,
                               level_of_government=GovernmentLevel.PROVINCIAL)


def ministry(parent, code: str, name_en: str = "", name_fr: str = "") -> object:
    """A ministry under the province."""
    return organization_create(code=code, name_en=name_en or f"Ministry {code}",
                               name_fr=name_fr or f"Ministère {code}", kind=OrgKind.MINISTRY,
                               parent=parent, level_of_government=GovernmentLevel.PROVINCIAL,
                               service_area="general", client_types=[ClientType.INDIVIDUALS])


def person(username: str, organization=None, role: str = Role.QUALITY_LEAD):
    """A staff user, optionally with a role over an organization."""
    user = user_create(username=username, password=PASSWORD, email=f"{username}@example.org")
    if organization is not None:
        membership_grant(user=user, organization=organization, role=role)
    return user


def service(organization, code: str = "S1", name_en: str = "Driver's licence renewal",
            name_fr: str = "Renouvellement du permis de conduire", **fields):
    """A public service offered online and in person."""
    fields.setdefault("channels", [Channel.ONLINE, Channel.IN_PERSON])
    fields.setdefault("description_en", "Renew your driver's licence.")
    fields.setdefault("description_fr", "Renouvelez votre permis de conduire.")
    return service_create(organization=organization, code=code, name_en=name_en,
                          name_fr=name_fr, **fields)


def published_standard(svc, code: str = "ST1", effective_from=dt.date(2025, 4, 1), **fields):
    """A published timeliness standard: 15 business days, 80%."""
    values = dict(
        name_en="Decision within 15 business days", name_fr="Décision en 15 jours ouvrables",
        text_en="We decide on complete applications within 15 business days.",
        text_fr="Nous rendons une décision sur les demandes complètes en 15 jours ouvrables.",
        standard_type=StandardType.TIMELINESS, channel=Channel.ONLINE, clock_start="submitted",
        clock_stop="completed", unit=Unit.BUSINESS_DAYS, threshold=Decimal(15),
        target_share=Decimal("0.8"),
    )
    values.update(fields)
    version = standard_create(organization=svc.organization, service=svc, code=code, **values)
    return standard_publish(version=version, effective_from=effective_from)


# ---- the shared world: two ministries, their offices, people, data and records ---------------
#
# Ministry A (Health) and ministry B (Transportation) of the Province of Example, each with an
# office, a service with a published standard and an approved guarantee, a calendar, a saved
# column mapping, an import of interaction records from a source system of its own, and the
# compliance results computed over them. Ministry A has one persona per role; ministry B has
# its quality lead. Tests that check scope address A's objects as A's people and B's objects
# as A's people, and the other way round.

A_SOURCE = "health-portal"
B_SOURCE = "demo-portal"  # the demo's name: a source name others may well reuse
RECORD_MONTH = dt.date(2025, 5, 5)


def office(parent, code: str = "licensing", name_en: str = "", name_fr: str = "") -> object:
    """An office under a ministry (the third level of the tree)."""
    return organization_create(code=code, name_en=name_en or f"Office {code}",
                               name_fr=name_fr or f"Bureau {code}", kind=OrgKind.OFFICE,
                               parent=parent, level_of_government=GovernmentLevel.PROVINCIAL,
                               service_area="general", client_types=[ClientType.INDIVIDUALS])


def calendar(organization, name: str):
    """A calendar of an organization: Ontario holidays, open 8:30 to 17:00 on weekdays."""
    made = calendar_create(name=name, organization=organization, timezone="America/Toronto",
                           country="CA", subdivision="ON")
    calendar_set_hours(calendar=made, slots={d: [(dt.time(8, 30), dt.time(17, 0))]
                                             for d in range(5)})
    return made


def guarantee(standard):
    """An approved money-back guarantee: the whole fee back when the standard is missed."""
    return guarantee_set(standard=standard, remedy_kind=RemedyKind.FEE_SHARE,
                         fee_share=Decimal(1), remedy_en="Full refund of the fee.",
                         remedy_fr="Remboursement complet des frais.",
                         approving_body="Treasury Board", approved_on=dt.date(2025, 2, 14),
                         approval_reference="TB-2025-001")


def online_records(office_code: str, service_code: str, prefix: str, *, count: int = 6,
                   day: dt.date = RECORD_MONTH, late_every: int = 3,
                   still_open: int = 0) -> list[dict]:
    """Online applications decided in 2 business days, every `late_every`-th in 20; then
    `still_open` more submitted ten days ago and not decided yet (overdue, at risk)."""
    rows = []
    recent = dt.date.today() - dt.timedelta(days=10)
    for n in range(1, count + still_open + 1):
        submitted = dt.datetime.combine(day if n <= count else recent, dt.time(9, n),
                                        tzinfo=dt.UTC)
        done = submitted + dt.timedelta(days=28 if n % late_every == 0 else 2)
        rows.append({"record_id": f"{prefix}-{n}", "channel": "online",
                     "organization": office_code, "service": service_code,
                     "submitted_at": submitted.isoformat(),
                     "completed_at": done.isoformat() if n <= count else None,
                     "fee_paid": 45.0, "guarantee_eligible": True})
    return rows


def mapped(rows: list[dict], column_map: dict[str, str]) -> list[dict]:
    """The rows as a source system names its columns (the inverse of a saved mapping)."""
    inverse = {field: column for column, field in column_map.items()}
    return [{inverse.get(k, k): v for k, v in row.items()} for row in rows]


def _mapping_owner(organization) -> dict:
    """The owner a saved mapping takes, once mappings belong to an organization (decision 15;
    the ownership change lands separately: until then mappings take no owner)."""
    fields = getattr(imports, "MAPPING_FIELDS", set())
    accepts = "organization" in fields or "organization" in inspect.signature(
        imports.source_mapping_create).parameters
    return {"organization": organization} if accepts else {}


def ministry_world(org, branch, lead, *, name_en: str, name_fr: str, service_code: str,
                   source: str, record_prefix: str, calendar_name: str) -> SimpleNamespace:
    """Grow a ministry of the light world (its office and quality lead) with a service, a
    guaranteed standard, a calendar, a saved mapping and an import of records by its lead."""
    code, office_code = org.code, branch.code
    svc = service(org, code=service_code, name_en=f"{name_en} licence",
                  name_fr=f"Permis — {name_fr}", has_fee=True, fee_amount=Decimal("45.00"))
    version = published_standard(svc, code=f"{service_code}-ONL", threshold=Decimal(5))
    guarantee(version.standard)
    column_map = {"Reference": "record_id", "Office": "organization"}
    saved = source_mapping_create(name=f"{source}-map", source=source, column_map=column_map,
                                  by=lead, **_mapping_owner(org))
    draft = standard_create(organization=org, service=svc, code=f"{service_code}-MAIL",
                            name_en="Letters answered within 10 business days",
                            name_fr="Réponse aux lettres en 10 jours ouvrables",
                            text_en="We answer your letter within 10 business days.",
                            text_fr="Nous répondons à votre lettre en 10 jours ouvrables.",
                            standard_type=StandardType.TIMELINESS, channel=Channel.MAIL,
                            clock_start="received", clock_stop="responded",
                            unit=Unit.BUSINESS_DAYS, threshold=Decimal(10),
                            target_share=Decimal("0.8"))
    records = online_records(office_code, service_code, record_prefix, still_open=1)
    # The last row names no organization the lead may import for: the import has a reject.
    sent = [*records, {**records[0], "record_id": f"{record_prefix}-X", "organization": "nowhere"}]
    report = interactions_import_records(records=mapped(sent, column_map), source=source,
                                         mapping=saved, by=lead,
                                         organizations=[code, office_code])
    return SimpleNamespace(
        org=org, office=branch, service=svc, standard=version.standard, version=version,
        draft_standard=draft.standard, calendar=calendar(org, calendar_name), mapping=saved,
        lead=lead, source=source, records=records, import_id=report.import_id,
        imports={lead.pk: report.import_id})


PERSONA_NAMES = {
    Role.ADMINISTRATOR: "administrator", Role.QUALITY_LEAD: "lead",
    Role.PROGRAM_MANAGER: "manager", Role.CASE_OFFICER: "case_officer",
    Role.ANALYST: "analyst", Role.AUDITOR: "auditor", Role.EXECUTIVE: "executive",
}


def province_world() -> SimpleNamespace:
    """The light world: the province, ministries A (Health, `health`) and B (Transportation,
    `transport`) with an office each (`health_office`, `transport_office`), one persona per
    role in A (`personas[role]`, also named: `lead`, `manager`, `analyst`, `auditor`,
    `administrator`, `case_officer`, `executive`) and B's quality lead (`transport_lead`).
    `a` and `b` hold each ministry's `org`, `office` and `lead`."""
    gov = province()
    health = ministry(gov, "health", "Ministry of Health", "Ministère de la Santé")
    transport = ministry(gov, "transport", "Ministry of Transportation",
                         "Ministère des Transports")
    health_office, transport_office = office(health, "health-north"), office(transport,
                                                                             "transport-south")
    personas = {role: person(f"health-{role}", health, role) for role in Role.values}
    transport_lead = person("transport-lead", transport, Role.QUALITY_LEAD)
    named = {name: personas[role] for role, name in PERSONA_NAMES.items()}
    return SimpleNamespace(
        gov=gov, health=health, transport=transport, health_office=health_office,
        transport_office=transport_office, personas=personas, transport_lead=transport_lead,
        b_user=transport_lead, **named,
        a=SimpleNamespace(org=health, office=health_office, lead=named["lead"]),
        b=SimpleNamespace(org=transport, office=transport_office, lead=transport_lead))


def example_world() -> SimpleNamespace:
    """The light world grown with data: each ministry's side (`a`, `b`) also has a service,
    a guaranteed standard, a draft, a calendar, a saved mapping and imports of records, and
    compliance results are computed over both ministries' records (`a.result_id`)."""
    world = province_world()
    a = ministry_world(world.health, world.health_office, world.lead,
                       name_en="Ministry of Health", name_fr="Ministère de la Santé",
                       service_code="H1", source=A_SOURCE, record_prefix="H",
                       calendar_name="Health offices")
    b = ministry_world(world.transport, world.transport_office, world.transport_lead,
                       name_en="Ministry of Transportation", name_fr="Ministère des Transports",
                       service_code="T1", source=B_SOURCE, record_prefix="T",
                       calendar_name="Transportation offices")
    world.a, world.b = a, b
    personas = world.personas
    # Every persona who may import has an import of its own (imports are their maker's).
    for role in (Role.ADMINISTRATOR, Role.ANALYST):
        rows = [{**a.records[0], "record_id": f"H-{role}"},
                {**a.records[0], "record_id": f"H-{role}-X", "organization": "nowhere"}]
        report = interactions_import_records(
            records=mapped(rows, a.mapping.column_map), source=A_SOURCE, mapping=a.mapping,
            by=personas[role],
            organizations=[a.org.code, a.office.code])
        a.imports[personas[role].pk] = report.import_id
    compliance_run()
    for side in (a, b):
        side.result_id = ComplianceResult.objects.get(
            organization=side.office, version=side.version, period_kind="month",
            period_start=RECORD_MONTH.replace(day=1)).pk
    return world


def token_client(user, **extra) -> Client:
    """A test client sending a fresh bearer token of the user (`client.raw_token`)."""
    _token, raw = api_token_create(user=user, name="tests")
    client = Client(headers={"Authorization": f"Bearer {raw}"}, **extra)
    client.raw_token = raw
    return client


def pathless_organization(code: str, parent=None):
    """An organization saved without the service (no tree path): it must grant nothing."""
    return Organization.objects.create(
        code=code, name_en=f"Unplaced {code}", name_fr=f"Non placée {code}", kind=OrgKind.OFFICE,
        parent=parent, level_of_government=GovernmentLevel.PROVINCIAL)


def common_mail_standard(organization, code: str = "CSS-MAIL-RESPONSE", threshold: int = 15,
                         effective_from=dt.date(2025, 4, 1), **fields):
    """A published common standard of an organization's tree: letters answered within
    `threshold` business days (15 unless told), 80%, in force from 1 April 2025."""
    values = dict(
        name_en="Mail answered within 15 business days", name_fr="Courrier répondu en 15 jours",
        text_en="We answer your letter within 15 business days.",
        text_fr="Nous répondons à votre lettre dans les 15 jours ouvrables.",
        standard_type=StandardType.TIMELINESS, channel=Channel.MAIL, clock_start="received",
        clock_stop="responded", unit=Unit.BUSINESS_DAYS, threshold=Decimal(threshold),
        target_share=Decimal("0.8"))
    values.update(fields)
    version = standard_create(organization=organization, code=code, is_common=True, **values)
    return standard_publish(version=version, effective_from=effective_from)


def common_telephone_standard(organization, code: str, standard_type: str,
                              effective_from=dt.date(2025, 4, 1)):
    """A published common yes/no standard of the telephone channel (no unit, no threshold,
    80%): what it reads comes from the compliance defaults or the standard's rule options."""
    version = standard_create(
        organization=organization, code=code, is_common=True, channel=Channel.TELEPHONE,
        standard_type=standard_type, unit=Unit.NONE, target_share=Decimal("0.8"),
        name_en=f"Telephone standard {code}", name_fr=f"Norme téléphonique {code}",
        text_en="We answer your call as this standard says.",
        text_fr="Nous répondons à votre appel comme le dit cette norme.")
    return standard_publish(version=version, effective_from=effective_from)
