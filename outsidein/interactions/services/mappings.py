"""Saved column mappings: created and changed within the caller's scope, audited."""


from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from outsidein.accounts.models import Organization
from outsidein.common.audit import audit_record
from outsidein.interactions.models import (
    SourceMapping,
)
from outsidein.interactions.selectors import (
    import_owner_choices,
)

MAPPING_FIELDS = {"description", "column_map", "timestamp_format", "time_zone", "channel",
                  "constants", "delimiter", "encoding", "sheet"}

# ---- source mappings -----------------------------------------------------------------------

def _mapping_owner_in_scope(organization: Organization | None, scope: list[str] | None) -> None:
    if organization is None:
        raise ValidationError({"organization": _("Choose the organization the mapping "
                                                 "belongs to.")})
    if scope is not None and organization.code not in scope:
        raise ValidationError({"organization": _(
            "No organization you may import for has the code “%(code)s”.") % {
            "code": organization.code}})


@transaction.atomic
def source_mapping_create(*, name: str, source: str, organization: Organization | None = None,
                          scope: list[str] | None = None, by=None, **fields) -> SourceMapping:
    """Save how a source system's files read as canonical records, for an organization.

    `scope`: the organization codes the caller may import for (None: any); the mapping must
    belong to one of them.
    """
    unknown = set(fields) - MAPPING_FIELDS
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
    if organization is None:
        choices = import_owner_choices(scope)
        organization = choices[0] if len(choices) == 1 else None
    _mapping_owner_in_scope(organization, scope)
    mapping = SourceMapping(name=name, source=source, organization=organization, **fields)
    mapping.full_clean()
    mapping.save()
    audit_record(actor=by, action="source_mapping.create", obj=mapping, summary=name,
                 changes={"source": source, "organization": organization.code, **fields})
    return mapping


@transaction.atomic
def source_mapping_update(*, mapping: SourceMapping, scope: list[str] | None = None, by=None,
                          **fields) -> SourceMapping:
    """Change a saved mapping (imports already done keep what they stored).

    The caller's `scope` must hold the mapping's organization now and, when it changes, the
    new one too.
    """
    unknown = set(fields) - MAPPING_FIELDS - {"source", "organization"}
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
    current = (SourceMapping.objects.select_for_update(of=("self",))
               .select_related("organization").get(pk=mapping.pk))
    if scope is not None and (current.organization is None
                              or current.organization.code not in scope):
        raise ValidationError({"organization": _("This mapping belongs to an organization you "
                                                 "may not import for.")})
    if "organization" in fields:
        _mapping_owner_in_scope(fields["organization"], scope)
    before = {k: getattr(current, k) for k in fields}
    for key, value in fields.items():
        setattr(mapping, key, value)
    mapping.full_clean()
    mapping.save()
    audit_record(actor=by, action="source_mapping.update", obj=mapping, summary=mapping.name,
                 changes={k: [_audit_value(before[k]), _audit_value(v)]
                          for k, v in fields.items() if before[k] != v})
    return mapping


def _audit_value(value):
    return value.code if isinstance(value, Organization) else value


