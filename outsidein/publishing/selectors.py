"""Reads for the public pages: the service directory and what one service page shows."""

import unicodedata
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import translation

from outsidein.accounts.models import Organization
from outsidein.common.models import bilingual
from outsidein.publishing.results import (
    CurrentPerformance,
    PublicResult,
    current_performance,
    latest_public_result,
)
from outsidein.standards.models import Guarantee, Service, ServiceStandard, StandardVersion
from outsidein.standards.selectors import common_standards_for, current_version
from outsidein.standards.vocabulary import Channel

LANGUAGES = ("en", "fr")

# Content fields a page shows, per model; a field filled only in the other language means the
# page is incomplete in this one (we never fill the gap with the other language's text).
SERVICE_CONTENT = ("name", "description", "fees", "contact", "url")
VERSION_CONTENT = ("name", "text", "pledge", "redress")
GUARANTEE_CONTENT = ("remedy",)


@dataclass(frozen=True)
class OrganizationGroup:
    """The public services of one organization, in the page's language order."""

    organization: Organization
    services: list[Service]


@dataclass(frozen=True)
class PublishedStandard:
    """A standard as the public sees it: its current published version, approved guarantee,
    and, on a service's page, its latest result and current performance."""

    standard: ServiceStandard
    version: StandardVersion
    guarantee: Guarantee | None
    result: PublicResult | None = None
    current: CurrentPerformance | None = None


@dataclass(frozen=True)
class ServicePage:
    """Everything one public service page shows, read once."""

    service: Service
    channels: list[str]
    standards: list[PublishedStandard]
    common_standards: list[PublishedStandard]
    guarantees: list[PublishedStandard]
    complaint_texts: list[str]
    missing_in_language: bool
    missing_fields: frozenset[str]
    other_language: str


def other_language(language: str) -> str:
    """The other official language."""
    return "en" if _lang(language) == "fr" else "fr"


def public_services() -> QuerySet[Service]:
    """Services shown on the public site."""
    return Service.objects.filter(is_public=True).select_related("organization")


def public_service_by_slug(slug: str) -> Service | None:
    """One public service, or None when it is unknown or not public."""
    return public_services().filter(slug=slug).first()


def folded(text: str) -> str:
    """Text without case or accents, so "decision" finds "Décision"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def public_service_search(*, text: str, language: str) -> list[Service]:
    """Public services whose every word is in the name, description or organization name
    in the page's language, or equals the service identifier.

    Matching ignores case and accents on every database; the directory is small enough
    (hundreds to a few thousand services) to match in Python.
    """
    words = folded(text).split()
    services = list(public_services())
    if not words:
        return services
    found = []
    for service in services:
        haystack = folded(" ".join((bilingual(service, "name", language),
                                    bilingual(service, "description", language),
                                    bilingual(service.organization, "name", language))))
        code = folded(service.code)
        if all(word in haystack or word == code for word in words):
            found.append(service)
    return found


def directory_groups(*, text: str = "", language: str) -> list[OrganizationGroup]:
    """Public services matching the search, grouped by organization, both sorted by name."""
    by_org: dict[int, list[Service]] = {}
    orgs: dict[int, Organization] = {}
    for service in public_service_search(text=text, language=language):
        by_org.setdefault(service.organization_id, []).append(service)
        orgs[service.organization_id] = service.organization
    groups = [
        OrganizationGroup(organization=orgs[org_id],
                          services=sorted(services, key=lambda s: folded(
                              bilingual(s, "name", language) or s.code)))
        for org_id, services in by_org.items()
    ]
    return sorted(groups, key=lambda g: folded(bilingual(g.organization, "name", language)))


def _published(standards, service: Service | None = None) -> list[PublishedStandard]:
    published = []
    for standard in standards:
        version = current_version(standard)
        if version is None:
            continue
        # A missing one-to-one raises an AttributeError subclass, so getattr's default applies.
        guarantee = getattr(standard, "guarantee", None)
        published.append(PublishedStandard(
            standard=standard, version=version,
            guarantee=guarantee if guarantee is not None and guarantee.is_approved else None,
            result=latest_public_result(standard, service) if service is not None else None,
            current=current_performance(standard, service) if service is not None else None))
    return published


def missing_fields(obj, fields: tuple[str, ...], language: str) -> frozenset[str]:
    """The fields with text in the other language but none in this one."""
    other = other_language(language)
    return frozenset(name for name in fields
                     if (getattr(obj, f"{name}_{other}", "") or "").strip()
                     and not (getattr(obj, f"{name}_{_lang(language)}", "") or "").strip())


def _missing(obj, fields: tuple[str, ...], language: str) -> bool:
    return bool(missing_fields(obj, fields, language))


def _lang(language: str) -> str:
    return "fr" if (language or "")[:2] == "fr" else "en"


def service_page(*, service: Service, language: str) -> ServicePage:
    """The public page of a service: what it is, fees, how to reach it, standards, redress."""
    own = _published(service.standards.filter(is_common=False).select_related("guarantee")
                     .order_by("code"), service)
    common = _published(common_standards_for(service.organization).select_related("guarantee")
                        .order_by("code"), service)
    everything = own + common
    complaint_texts: list[str] = []
    for item in everything:
        text = bilingual(item.version, "redress", language).strip()
        if text and text not in complaint_texts:
            complaint_texts.append(text)
    service_missing = missing_fields(service, SERVICE_CONTENT, language)
    missing = (bool(service_missing)
               or _missing(service.organization, ("name",), language)
               or any(_missing(item.version, VERSION_CONTENT, language) for item in everything)
               or any(item.guarantee is not None
                      and _missing(item.guarantee, GUARANTEE_CONTENT, language)
                      for item in everything))
    with translation.override(_lang(language)):
        channels = [str(Channel(c).label) for c in service.channels if c in Channel.values]
    return ServicePage(
        service=service,
        channels=channels,
        standards=own,
        common_standards=common,
        guarantees=[item for item in everything if item.guarantee is not None],
        complaint_texts=complaint_texts,
        missing_in_language=missing,
        missing_fields=service_missing,
        other_language=other_language(language),
    )
