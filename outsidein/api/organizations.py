"""Organizations in the caller's scope (read only)."""

from ninja import Router

from outsidein.api.access import organization_or_404, visible_organizations
from outsidein.api.errors import ErrorOut
from outsidein.api.schemas import OrganizationOut, Text

router = Router(tags=["organizations"])
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("", response={200: list[OrganizationOut], 401: ErrorOut},
            summary="Organizations in your scope")
def organization_list(request):
    """Every organization you hold a role over, and those beneath it, in tree order."""
    return list(visible_organizations(request.auth))


@router.get("/{code}", response={200: OrganizationOut, **READ_ERRORS},
            summary="One organization")
def organization_detail(request, code: Text):
    """An organization by its code."""
    return organization_or_404(request.auth, code)
