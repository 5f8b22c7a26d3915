"""Writes: services, standards and their versions, guarantees."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outsidein.accounts.models import Organization
from outsidein.accounts.permissions import EDIT_SERVICES
from outsidein.accounts.selectors import user_can
from outsidein.common.audit import audit_record, audit_record_many
from outsidein.common.changes import inputs_changed
from outsidein.standards.models import Guarantee, Service, ServiceStandard, StandardVersion

SERVICE_FIELDS = {
    "name_en", "name_fr", "description_en", "description_fr", "has_fee", "fee_amount",
    "fees_en", "fees_fr", "line_of_business", "program_en", "program_fr", "client_types",
    "channels", "delivery", "delivery_partner", "contact_en", "contact_fr", "url_en", "url_fr",
    "is_public", "source", "source_attributes",
}
VERSION_FIELDS = {
    "name_en", "name_fr", "text_en", "text_fr", "pledge_en", "pledge_fr", "redress_en",
    "redress_fr", "standard_type", "channel", "clock_start", "clock_stop", "clock_pauses",
    "unit", "threshold", "target_share", "calendar", "source_attributes",
}


def _check_fields(fields: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")


@transaction.atomic
def service_create(*, organization: Organization, code: str, by=None, **fields) -> Service:
    """Add a service to the inventory."""
    _check_fields(fields, SERVICE_FIELDS)
    service = Service(organization=organization, code=code,
                      slug=Service.free_slug(fields.get("name_en", ""), code), **fields)
    service.full_clean()
    service.save()
    audit_record(actor=by, action="service.create", obj=service, summary=service.name_en)
    return service


@transaction.atomic
def service_update(*, service: Service, by=None, **fields) -> list[str]:
    """Change a service; returns the names of the fields that changed.

    Moving it to another organization needs the edit-services permission over the new owner as
    well as the current one (when a user makes the change; the command line has every right).
    """
    _check_fields(fields, SERVICE_FIELDS | {"organization"})
    target = fields.get("organization")
    moving = by is not None and target is not None and target != service.organization
    if moving and not (user_can(by, EDIT_SERVICES, service.organization)
                       and user_can(by, EDIT_SERVICES, target)):
        raise PermissionDenied(_("You may not move this service to that organization."))
    changes = {}
    for key, value in fields.items():
        before = getattr(service, key)
        if before != value:
            changes[key] = [before, value]
            setattr(service, key, value)
    if not changes:
        return []
    service.full_clean()
    service.save()
    audit_record(actor=by, action="service.update", obj=service, changes=changes)
    return sorted(changes)


@transaction.atomic
def standard_create(*, organization: Organization, code: str, service: Service | None = None,
                    is_common: bool = False, by=None, **fields) -> StandardVersion:
    """Create a standard with its first (draft) version."""
    _check_fields(fields, VERSION_FIELDS)
    if service is not None and service.organization_id != organization.pk:
        raise ValidationError(_("The service belongs to another organization."))
    standard = ServiceStandard(organization=organization, service=service, code=code,
                               is_common=is_common)
    standard.full_clean()
    standard.save()
    version = StandardVersion(standard=standard, number=1, created_by=by, **fields)
    version.full_clean()
    version.save()
    audit_record(actor=by, action="standard.create", obj=standard, summary=version.name_en)
    return version


@transaction.atomic
def standard_revise(*, standard: ServiceStandard, by=None, change_note: str = "",
                    **fields) -> StandardVersion:
    """Edit a standard: the open draft changes in place; a published one gets a new draft."""
    _check_fields(fields, VERSION_FIELDS)
    standard = ServiceStandard.objects.select_for_update().get(pk=standard.pk)
    draft = standard.versions.draft().first()
    if draft is None:
        latest = standard.versions.order_by("-number").first()
        draft = StandardVersion(standard=standard, number=latest.number + 1, created_by=by,
                                **{f: getattr(latest, f) for f in VERSION_FIELDS})
    changes = {}
    for key, value in fields.items():
        before = getattr(draft, key)
        if before != value:
            changes[key] = [before, value]
            setattr(draft, key, value)
    draft.change_note = change_note or draft.change_note
    draft.full_clean()
    draft.save()
    audit_record(actor=by, action="standard.revise", obj=standard,
                 summary=f"v{draft.number}: {change_note}", changes=changes)
    return draft


def publication_problems(version: StandardVersion) -> list[str]:
    """Why a version cannot be published (empty when it can)."""
    problems = []
    guarantee = Guarantee.objects.filter(standard=version.standard).first()
    if guarantee is not None and not guarantee.is_approved:
        problems.append(_("The guarantee has no recorded approval (approving body, date and "
                          "reference)."))
    for field in ("name_fr", "text_fr"):
        if not getattr(version, field).strip():
            problems.append(_("The French text is missing."))
            break
    return problems


@transaction.atomic
def standard_publish(*, version: StandardVersion, by=None,
                     effective_from: dt.date | None = None) -> StandardVersion:
    """Publish a draft; the version it replaces ends the day before."""
    version = StandardVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise ValidationError(_("Only a draft can be published."))
    problems = publication_problems(version)
    if problems:
        raise ValidationError(problems)
    effective_from = effective_from or timezone.localdate()
    previous = (version.standard.versions.published()
                .exclude(pk=version.pk).order_by("-number").first())
    if previous is not None:
        previous.supersede(ending=effective_from - dt.timedelta(days=1))
        previous.save(update_fields=["status", "effective_to"])
    version.publish(effective_from=effective_from, by=by)
    version.full_clean()
    version.save()
    audit_record(actor=by, action="standard.publish", obj=version.standard,
                 summary=f"v{version.number} from {effective_from.isoformat()}")
    inputs_changed(reason=f"{version.standard.code} v{version.number} published")
    return version


@transaction.atomic
def standard_discard_draft(*, standard: ServiceStandard, by=None) -> None:
    """Throw away the open draft (published history is untouched)."""
    draft = standard.versions.draft().first()
    if draft is None:
        return
    if standard.versions.count() == 1:
        raise ValidationError(_("This is the only version; delete the standard instead."))
    audit_record(actor=by, action="standard.discard_draft", obj=standard,
                 summary=f"v{draft.number}")
    draft.delete()


GUARANTEE_FIELDS = {"remedy_kind", "refund_amount", "fee_share", "remedy_en", "remedy_fr",
                    "approving_body", "approved_on", "approval_reference"}


@transaction.atomic
def guarantee_set(*, standard: ServiceStandard, by=None, **fields) -> Guarantee:
    """Attach or change the guarantee on a standard."""
    _check_fields(fields, GUARANTEE_FIELDS)
    guarantee = Guarantee.objects.filter(standard=standard).first() or Guarantee(standard=standard)
    for key, value in fields.items():
        setattr(guarantee, key, value)
    guarantee.full_clean()
    guarantee.save()
    audit_record(actor=by, action="guarantee.set", obj=standard,
                 summary="approved" if guarantee.is_approved else "awaiting approval")
    return guarantee




# --- Bulk writes of file imports (outsidein.exchange) -------------------------------------
# A file import writes thousands of rows at once: objects validated by the importer are saved
# in bulk, with one audit entry per object. No recompute is queued: the imports store reported
# results, not inputs of computed ones.

_IMPORTED_VERSION_FIELDS = [
    "name_en", "name_fr", "text_en", "text_fr", "standard_type", "channel", "unit",
    "clock_start", "clock_stop", "threshold", "target_share", "source_attributes", "status",
    "effective_to"]


def _bulk_create(model, objects: list) -> None:
    """Save new objects in bulk, getting their keys back (one by one where the database
    cannot return them from a bulk insert)."""
    if not objects:
        return
    if connection.features.can_return_rows_from_bulk_insert:
        model.objects.bulk_create(objects, batch_size=500)
    else:
        for obj in objects:
            obj.save()


def _changes_brief(changes: dict[str, list]) -> dict[str, Any]:
    """Changes for the audit log; of source_attributes, only the keys that changed."""
    brief = dict(changes)
    if "source_attributes" in brief:
        before, after = (value or {} for value in brief["source_attributes"])
        brief["source_attributes"] = {key: [before.get(key), after.get(key)]
                                      for key in sorted(set(before) | set(after))
                                      if before.get(key) != after.get(key)}
    return brief


def services_import_write(*, created: list[Service],
                          changed: list[tuple[Service, dict[str, list]]], by=None,
                          note: str) -> None:
    """Save imported services (new ones, and changed ones with their [before, after] changes)
    in bulk, then one audit entry per service: "Name (note)"."""
    _bulk_create(Service, created)
    now = timezone.now()
    fields = sorted({name for _service, changes in changed for name in changes} | {"updated_at"})
    services = [service for service, _changes in changed]
    for service in services:
        service.updated_at = now
    if services:
        Service.objects.bulk_update(services, fields, batch_size=500)
    audit_record_many(actor=by, entries=[
        *[("service.create", s, f"{s.name_en} ({note})", None) for s in created],
        *[("service.update", s, f"{s.name_en} ({note})", _changes_brief(c))
          for s, c in changed]])


def service_standards_import_create(*, standards: list[ServiceStandard]) -> None:
    """Save the standards an import made, in bulk (their versions follow)."""
    _bulk_create(ServiceStandard, standards)


def standard_versions_import_write(*, created: list[StandardVersion],
                                   changed: list[tuple[StandardVersion, str]],
                                   new_standards: list[ServiceStandard], by=None) -> None:
    """Save imported versions in bulk: new ones (published), and changed ones with the audit
    action that changed them ("standard.revise": corrected; "standard.supersede": replaced by
    a newer year's version). One audit entry per version created or corrected."""
    if changed:
        StandardVersion.objects.bulk_update([version for version, _action in changed],
                                            _IMPORTED_VERSION_FIELDS, batch_size=500)
    _bulk_create(StandardVersion, created)
    new = {s.pk for s in new_standards}
    entries = []
    for version in created:
        if version.standard.pk in new:
            entries.append(("standard.create", version.standard,
                            f"{version.name_en} (imported; published from "
                            f"{version.effective_from})", None))
        else:
            entries.append(("standard.publish", version.standard,
                            f"v{version.number} from {version.effective_from} (imported)", None))
    entries += [(action, version.standard, f"v{version.number} corrected by an import", None)
                for version, action in changed if action == "standard.revise"]
    audit_record_many(actor=by, entries=entries)
