"""The federal organizations under the "gc" root, and the slug rule applied in memory."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from outsidein.accounts.models import GovernmentLevel, Organization, OrgKind
from outsidein.accounts.services import organization_create, organization_update
from outsidein.exchange.reading import GcFileError
from outsidein.standards.models import Service

ROOT_CODE = "gc"
ROOT_NAME_EN = "Government of Canada"
ROOT_NAME_FR = "Gouvernement du Canada"

# Departments led by a minister (Financial Administration Act, schedule I) become ministries;
# every other owner_org (agencies, boards, commissions, councils, tribunals) an agency.
DEPARTMENTS = frozenset({
    "aafc-aac", "aandc-aadnc", "cic", "dfatd-maecd", "dfo-mpo", "dnd-mdn", "ec", "esdc-edsc",
    "fin", "hc-sc", "ic", "infc", "isc-sac", "jus", "nrcan-rncan", "pch", "pco-bcp", "ps-sp",
    "pwgsc-tpsgc", "tbs-sct", "tc", "vac-acc", "wage",
})


def government_root(*, by=None) -> tuple[Organization, bool]:
    """The Government of Canada root organization, created when missing (and whether it was)."""
    root = Organization.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return organization_create(code=ROOT_CODE, name_en=ROOT_NAME_EN, name_fr=ROOT_NAME_FR,
                                   kind=OrgKind.GOVERNMENT,
                                   level_of_government=GovernmentLevel.FEDERAL, by=by), True
    if root.kind != OrgKind.GOVERNMENT or root.parent_id is not None:
        raise GcFileError(f"organization {ROOT_CODE!r} exists but is not a top-level "
                          f"government; it cannot hold federal organizations")
    return root, False


@dataclass
class FederalOrganizations:
    """Organizations by owner_org code, how many were created or renamed, and refusals."""

    found: dict[str, Organization] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    errors: dict[str, str] = field(default_factory=dict)


def federal_organizations(names: Mapping[str, tuple[str, str]], root: Organization, *,
                          by=None) -> FederalOrganizations:
    """Each owner_org, created under the root or renamed to the file's title.

    An owner_org that exists outside the root, or cannot be created, is in `errors` with the
    reason; the caller refuses its rows.
    """
    result = FederalOrganizations()
    existing = {o.code: o for o in Organization.objects.filter(code__in=list(names))}
    for code, (name_en, name_fr) in names.items():
        org = existing.get(code)
        try:
            if org is None:
                kind = OrgKind.MINISTRY if code in DEPARTMENTS else OrgKind.AGENCY
                org = organization_create(code=code, name_en=name_en, name_fr=name_fr,
                                          kind=kind, parent=root, by=by,
                                          level_of_government=GovernmentLevel.FEDERAL)
                result.created += 1
            elif not root.contains(org) or org.pk == root.pk:
                raise ValidationError(f"organization {code!r} already exists outside the "
                                      f"Government of Canada ({org.name_en})")
            elif (org.name_en, org.name_fr) != (name_en, name_fr):
                organization_update(organization=org, name_en=name_en, name_fr=name_fr, by=by)
                result.updated += 1
        except ValidationError as exc:
            result.errors[code] = "; ".join(exc.messages)
            continue
        result.found[code] = org
    return result


def free_slug(name: str, code: str, taken: set[str]) -> str:
    """Service.free_slug against slugs known in memory (the slug found is then taken)."""
    return Service.free_slug(name, code, taken=taken)
