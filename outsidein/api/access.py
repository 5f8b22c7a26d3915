"""The caller's scope: what the API may read for a user, and the checks before a write.

Anything outside the caller's scope does not exist as far as the API says (404, or "not a
valid choice" when named in a body): answering 403 would confirm it exists.
"""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from outsidein.accounts.models import Organization
from outsidein.accounts.permissions import VIEW
from outsidein.accounts.selectors import organizations_for_user, user_can
from outsidein.api.errors import Forbidden
from outsidein.calendars.models import BusinessCalendar
from outsidein.standards.models import Service, ServiceStandard, StandardVersion
from outsidein.standards.selectors import services_for_user

# Django's own msgid for a choice that does not exist: translated in its catalogue.
NOT_A_CHOICE = "Select a valid choice. That choice is not one of the available choices."


def visible_organizations(user) -> QuerySet[Organization]:
    """Organizations the caller may read, in tree order."""
    return organizations_for_user(user, VIEW).select_related("parent").order_by("path", "pk")


def visible_services(user) -> QuerySet[Service]:
    """Services the caller may read, in a stable order."""
    return services_for_user(user, VIEW).select_related("organization").order_by("name_en", "pk")


def visible_standards(user) -> QuerySet[ServiceStandard]:
    """Standards the caller may read, with their versions newest first."""
    return (ServiceStandard.objects
            .filter(organization__in=organizations_for_user(user, VIEW))
            .select_related("organization")
            .prefetch_related(Prefetch("versions",
                                       queryset=StandardVersion.objects.order_by("-number")))
            .order_by("organization__path", "code", "pk"))


def visible_organization(user, code: str) -> Organization | None:
    """A visible organization by code, or None."""
    return visible_organizations(user).filter(code=code).first()


def standard_search(user, *, service_id: int | None = None,
                    organization_code: str = "") -> QuerySet[ServiceStandard]:
    """Visible standards of a service and/or an organization's subtree."""
    standards = visible_standards(user)
    if service_id is not None:
        standards = standards.filter(service_id=service_id)
    if organization_code:
        organization = visible_organization(user, organization_code)
        if organization is None:
            return standards.none()
        standards = standards.filter(organization__in=organization.subtree())
    return standards


def organization_or_404(user, code: str) -> Organization:
    """A visible organization by code."""
    org = visible_organization(user, code)
    if org is None:
        raise Http404
    return org


def service_or_404(user, service_id: int) -> Service:
    """A visible service by id."""
    service = visible_services(user).filter(pk=service_id).first()
    if service is None:
        raise Http404
    return service


def standard_or_404(user, standard_id: int) -> ServiceStandard:
    """A visible standard by id, with its versions."""
    standard = visible_standards(user).filter(pk=standard_id).first()
    if standard is None:
        raise Http404
    return standard


def require(user, permission: str, organization: Organization) -> None:
    """403 unless the user holds the permission over the organization."""
    if not user_can(user, permission, organization):
        raise Forbidden(_("Your role does not allow this in %(organization)s.")
                        % {"organization": organization.code})


def _not_a_choice(field: str) -> ValidationError:
    return ValidationError({field: _(NOT_A_CHOICE)})


def organization_named(user, code: str, *, field: str = "organization") -> Organization:
    """A visible organization named in a request body (422 on that field otherwise)."""
    org = visible_organization(user, code)
    if org is None:
        raise _not_a_choice(field)
    return org


def service_named(user, service_id: int, *, field: str = "service") -> Service:
    """A visible service named in a request body."""
    service = visible_services(user).filter(pk=service_id).first()
    if service is None:
        raise _not_a_choice(field)
    return service


def calendar_named(user, calendar_id: int, *, field: str = "calendar") -> BusinessCalendar:
    """A business calendar the caller may use: shared, or of an organization in scope."""
    calendar = BusinessCalendar.objects.filter(pk=calendar_id).first()
    if calendar is None or (calendar.organization_id is not None and not organizations_for_user(
            user, VIEW).filter(pk=calendar.organization_id).exists()):
        raise _not_a_choice(field)
    return calendar
