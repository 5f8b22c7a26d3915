"""Reads: services and standards in a user's scope, the version in force on a date."""

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from outsidein.accounts.selectors import organizations_for_user
from outsidein.standards.models import Service, ServiceStandard, StandardVersion


def services_for_user(user, permission: str = "view") -> QuerySet[Service]:
    """Services of the organizations the user may see."""
    return Service.objects.filter(organization__in=organizations_for_user(user, permission))


def service_search(*, queryset: QuerySet[Service], text: str = "", organization=None,
                   channel: str = "", line_of_business: str = "") -> QuerySet[Service]:
    """Filter services by words in either language, organization subtree, channel, line."""
    if text:
        for word in text.split():
            queryset = queryset.filter(Q(name_en__icontains=word) | Q(name_fr__icontains=word)
                                       | Q(code__iexact=word) | Q(description_en__icontains=word)
                                       | Q(description_fr__icontains=word))
    if organization is not None:
        queryset = queryset.filter(organization__in=organization.subtree())
    if channel:
        # JSON containment is not portable to SQLite; a quoted match on the list is.
        queryset = queryset.filter(channels__icontains=f'"{channel}"')
    if line_of_business:
        queryset = queryset.filter(line_of_business=line_of_business)
    return queryset.select_related("organization")


def standards_for_service(service: Service) -> QuerySet[ServiceStandard]:
    """The service's own standards with their versions, newest version first."""
    return (ServiceStandard.objects.filter(service=service)
            .prefetch_related(Prefetch("versions",
                                       queryset=StandardVersion.objects.order_by("-number")))
            .select_related("guarantee"))


def common_standards_for(organization) -> QuerySet[ServiceStandard]:
    """Common Service Standards that apply to an organization (set on it or an ancestor)."""
    return ServiceStandard.objects.filter(is_common=True,
                                          organization_id__in=organization.ancestor_ids)


def version_in_force(standard: ServiceStandard, on: dt.date) -> StandardVersion | None:
    """The published (or superseded) version whose effective dates cover the date."""
    return standard.versions.covering(on).order_by("-number").first()


def current_version(standard: ServiceStandard) -> StandardVersion | None:
    """The latest published version (what the public sees)."""
    return standard.versions.published().order_by("-number").first()


def service_lines_of_business(queryset: QuerySet[Service]) -> list[str]:
    """Distinct non-empty lines of business among the services."""
    return sorted(set(queryset.exclude(line_of_business="")
                      .values_list("line_of_business", flat=True)))
