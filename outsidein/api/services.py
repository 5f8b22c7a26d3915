"""The service inventory: search, read, add and change services in the caller's scope."""

from ninja import Query, Router, Status
from ninja.pagination import paginate

from outsidein.accounts.permissions import EDIT_SERVICES
from outsidein.api.access import (
    organization_named,
    require,
    service_or_404,
    visible_organization,
    visible_services,
)
from outsidein.api.errors import ErrorOut
from outsidein.api.pagination import Page
from outsidein.api.schemas import Id, ServiceCreate, ServiceFilters, ServiceOut, ServicePatch
from outsidein.standards.selectors import service_search
from outsidein.standards.services import service_create, service_update

router = Router(tags=["services"])
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                422: ErrorOut}


@router.get("", response={200: list[ServiceOut], 401: ErrorOut, 422: ErrorOut},
            summary="Search services")
@paginate(Page)
def service_list(request, filters: Query[ServiceFilters]):
    """Services in your scope, by name, ordered by English name then id."""
    organization = None
    if filters.organization:
        organization = visible_organization(request.auth, filters.organization)
        if organization is None:
            # An unknown or out-of-scope organization has no services you can see.
            return visible_services(request.auth).none()
    return service_search(queryset=visible_services(request.auth), text=filters.q,
                          organization=organization, channel=filters.channel or "")


@router.get("/{service_id}", response={200: ServiceOut, **READ_ERRORS}, summary="One service")
def service_detail(request, service_id: Id):
    """A service by id."""
    return service_or_404(request.auth, service_id)


@router.post("", response={201: ServiceOut, **WRITE_ERRORS}, summary="Add a service")
def service_add(request, payload: ServiceCreate):
    """Add a service to an organization's inventory (needs the edit-services permission)."""
    fields = payload.set_fields()
    organization = organization_named(request.auth, fields.pop("organization"))
    require(request.auth, EDIT_SERVICES, organization)
    service = service_create(organization=organization, code=fields.pop("code"),
                             by=request.auth, **fields)
    return Status(201, service_or_404(request.auth, service.pk))


@router.patch("/{service_id}", response={200: ServiceOut, **WRITE_ERRORS},
              summary="Change a service")
def service_change(request, service_id: Id, payload: ServicePatch):
    """Change the fields sent; the others stay as they are."""
    service = service_or_404(request.auth, service_id)
    require(request.auth, EDIT_SERVICES, service.organization)
    service_update(service=service, by=request.auth, **payload.set_fields())
    return service_or_404(request.auth, service.pk)
