"""Source systems: registered to the organization that owns them on first use (ADR 0009)."""


from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from outsidein.accounts.models import Organization
from outsidein.common.audit import audit_record
from outsidein.interactions.models import (
    SourceSystem,
)
from outsidein.interactions.selectors import (
    import_owner_choices,
)

# ---- source systems ------------------------------------------------------------------------

def source_system_for_import(*, name: str, scope: list[str] | None, owner: str | None = None,
                             by=None, register: bool = True) -> SourceSystem:
    """The source system an import writes under, registered to its owner on first use.

    `scope` is what the importer may import for (organization codes; None: anything, as from
    the command line). A source owned by an organization outside the scope is refused whatever
    its records hold, so nothing is revealed about them. A new source belongs to `owner` (a
    code), else to the one broadest organization the importer may import for. A dry run does
    not register (`register=False`): it returns the source unsaved.
    """
    system = SourceSystem.objects.select_related("organization").filter(name=name).first()
    if system is not None:
        if scope is not None and system.organization.code not in scope:
            raise ValidationError({"source": _(
                "The source system “%(name)s” belongs to an organization you may not import "
                "for. Give your system a name of its own.") % {"name": name}})
        if owner and owner != system.organization.code:
            raise ValidationError({"organization": _(
                "The source system “%(name)s” belongs to %(owner)s; its records are imported "
                "for it.") % {"name": name, "owner": system.organization.code}})
        return system
    choices = import_owner_choices(scope)
    if owner:
        organization = next((o for o in choices if o.code == owner), None)
        if organization is None and scope is None:
            organization = Organization.objects.filter(code=owner).first()
        if organization is None:
            raise ValidationError({"organization": _(
                "No organization you may import for has the code “%(code)s”.") % {
                "code": owner}})
    elif len(choices) == 1:
        organization = choices[0]
    else:
        raise ValidationError({"organization": _(
            "Choose the organization that owns the source system “%(name)s”: you may import "
            "for several.") % {"name": name}})
    system = SourceSystem(name=name, organization=organization,
                          by=by if getattr(by, "pk", None) else None)
    system.full_clean()
    if register:
        system, created = SourceSystem.objects.get_or_create(
            name=name, defaults={"organization": organization, "by": system.by})
        if not created and system.organization_id != organization.pk:
            # Registered a moment ago by someone else: judge the import against that owner.
            return source_system_for_import(name=name, scope=scope, owner=owner, by=by)
        if created:
            audit_record(actor=by, action="source_system.register", obj=system, summary=name,
                         changes={"organization": organization.code})
    return system


