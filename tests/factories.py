"""Fixed fictional organizations and personas shared by every test."""

import datetime as dt
from decimal import Decimal

from outsidein.accounts.models import ClientType, GovernmentLevel, OrgKind, Role
from outsidein.accounts.services import membership_grant, organization_create, user_create
from outsidein.standards.services import service_create, standard_create, standard_publish
from outsidein.standards.vocabulary import Channel, StandardType, Unit

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


def office(parent, code: str = "licensing", name_en: str = "Licensing office",
           name_fr: str = "Bureau des permis") -> object:
    """An office under a ministry (the third level of the tree)."""
    return organization_create(code=code, name_en=name_en, name_fr=name_fr, kind=OrgKind.OFFICE,
                               parent=parent, level_of_government=GovernmentLevel.PROVINCIAL)
