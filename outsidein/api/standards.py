"""Service standards and their versions: read the history, draft, revise and publish."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from outsidein.accounts.permissions import EDIT_STANDARDS, PUBLISH_STANDARDS
from outsidein.api.access import (
    calendar_named,
    organization_named,
    require,
    service_named,
    standard_or_404,
    standard_search,
)
from outsidein.api.errors import ErrorOut
from outsidein.api.pagination import Page
from outsidein.api.schemas import (
    Id,
    PublishIn,
    StandardCreate,
    StandardDetail,
    StandardFilters,
    StandardOut,
    StandardPatch,
    VersionOut,
)
from outsidein.standards.services import standard_create, standard_publish, standard_revise

router = Router(tags=["standards"])
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                422: ErrorOut}


def _version_fields(user, fields: dict) -> dict:
    """Body values as the services expect them (blank channel, calendar object)."""
    if "channel" in fields:
        fields["channel"] = fields["channel"] or ""
    if fields.get("calendar") is not None:
        fields["calendar"] = calendar_named(user, fields["calendar"])
    return fields


@router.get("", response={200: list[StandardOut], 401: ErrorOut, 422: ErrorOut},
            summary="List standards")
@paginate(Page)
def standard_list(request, filters: Query[StandardFilters]):
    """Standards in your scope, by organization then code, with current version and draft."""
    return standard_search(request.auth, service_id=filters.service,
                           organization_code=filters.organization)


@router.get("/{standard_id}", response={200: StandardDetail, **READ_ERRORS},
            summary="One standard with its history")
def standard_detail(request, standard_id: Id):
    """A standard with every version, newest first."""
    return standard_or_404(request.auth, standard_id)


@router.get("/{standard_id}/versions", response={200: list[VersionOut], **READ_ERRORS},
            summary="Versions of a standard")
def standard_versions(request, standard_id: Id):
    """Every version of the standard, newest first: drafts, published and superseded."""
    return StandardDetail.resolve_versions(standard_or_404(request.auth, standard_id))


@router.post("", response={201: StandardDetail, **WRITE_ERRORS},
             summary="Create a standard (as a draft)")
def standard_add(request, payload: StandardCreate):
    """Create a standard and its first version, a draft (needs the edit-standards permission).

    Name a service for a program-specific standard; the organization defaults to the
    service's. A common standard names an organization and no service.
    """
    user = request.auth
    fields = _version_fields(user, payload.set_fields())
    org_code = fields.pop("organization", None)
    service_id = fields.pop("service", None)
    service = service_named(user, service_id) if service_id is not None else None
    if org_code:
        organization = organization_named(user, org_code)
    elif service is not None:
        organization = service.organization
    else:
        raise ValidationError({"organization": _("Name an organization or a service.")})
    require(user, EDIT_STANDARDS, organization)
    version = standard_create(organization=organization, service=service,
                              code=fields.pop("code"), is_common=fields.pop("is_common", False),
                              by=user, **fields)
    return Status(201, standard_or_404(user, version.standard_id))


@router.patch("/{standard_id}", response={200: StandardDetail, **WRITE_ERRORS},
              summary="Revise a standard")
def standard_change(request, standard_id: Id, payload: StandardPatch):
    """Edit the open draft; when none is open, start a new draft from the latest version.

    Only the fields sent change; an empty body changes nothing.
    """
    user = request.auth
    standard = standard_or_404(user, standard_id)
    require(user, EDIT_STANDARDS, standard.organization)
    fields = _version_fields(user, payload.set_fields())
    if not fields:
        # Nothing to change: do not open a new version that would equal the published one.
        return standard
    standard_revise(standard=standard, by=user, change_note=fields.pop("change_note", ""),
                    **fields)
    return standard_or_404(user, standard.pk)


@router.post("/{standard_id}/publish", response={200: StandardDetail, **WRITE_ERRORS},
             summary="Publish the draft")
def standard_publish_draft(request, standard_id: Id, payload: PublishIn | None = None):
    """Publish the open draft from `effective_from` (default today); the version it replaces
    ends the day before (needs the publish-standards permission)."""
    user = request.auth
    standard = standard_or_404(user, standard_id)
    require(user, PUBLISH_STANDARDS, standard.organization)
    draft = next((v for v in standard.versions.all() if v.is_draft), None)
    if draft is None:
        raise ValidationError(_("There is no draft to publish: revise the standard first."))
    standard_publish(version=draft, by=user,
                     effective_from=payload.effective_from if payload else None)
    return standard_or_404(user, standard.pk)
