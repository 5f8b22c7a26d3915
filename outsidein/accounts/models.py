"""Organizations (a tree with peer attributes), memberships with roles, API tokens."""

import re
from collections.abc import Mapping
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from outsidein.common.models import TimeStamped, bilingual


class OrgKind(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    MINISTRY = "ministry", _("Ministry")
    AGENCY = "agency", _("Agency")
    MUNICIPALITY = "municipality", _("Municipality")
    DIVISION = "division", _("Division")
    PROGRAM = "program", _("Program")
    OFFICE = "office", _("Office")


class GovernmentLevel(models.TextChoices):
    FEDERAL = "federal", _("Federal")
    PROVINCIAL = "provincial", _("Provincial or territorial")
    MUNICIPAL = "municipal", _("Municipal")


class ClientType(models.TextChoices):
    INDIVIDUALS = "individuals", _("Individuals")
    BUSINESSES = "businesses", _("Businesses")
    INTERNAL = "internal", _("Internal (government)")
    NON_PROFITS = "non_profits", _("Non-profit organizations")


# Which kinds may sit under which: the tree government > ministry/agency/municipality > ...
ALLOWED_PARENTS: dict[str, set[str | None]] = {
    OrgKind.GOVERNMENT: {None},
    OrgKind.MINISTRY: {OrgKind.GOVERNMENT},
    OrgKind.AGENCY: {OrgKind.GOVERNMENT, OrgKind.MINISTRY},
    OrgKind.MUNICIPALITY: {OrgKind.GOVERNMENT, None},
    OrgKind.DIVISION: {OrgKind.MINISTRY, OrgKind.AGENCY, OrgKind.MUNICIPALITY, OrgKind.DIVISION},
    OrgKind.PROGRAM: {OrgKind.MINISTRY, OrgKind.AGENCY, OrgKind.MUNICIPALITY, OrgKind.DIVISION},
    OrgKind.OFFICE: {OrgKind.MINISTRY, OrgKind.AGENCY, OrgKind.MUNICIPALITY, OrgKind.DIVISION,
                     OrgKind.PROGRAM},
}


# A tree path as the organization services write it: "/<id>/<id>/.../<own id>/".
_PATH = re.compile(r"(?:/\d+)+/")

T = TypeVar("T")


def path_ids(path: str) -> tuple[int, ...]:
    """The organization ids of a tree path, root first (none for a malformed path)."""
    if not _PATH.fullmatch(path or ""):
        return ()
    return tuple(int(part) for part in path.strip("/").split("/"))


class OrganizationQuerySet(models.QuerySet):
    def within(self, *organizations: "Organization") -> "OrganizationQuerySet":
        """The organizations and everything beneath them.

        A node whose path is not whole contributes nothing: its empty or wrong prefix would
        otherwise match the whole tree or a stranger's subtree (scope fails closed).
        """
        query = models.Q()
        for organization in organizations:
            if organization.has_whole_path:
                query |= models.Q(path__startswith=organization.path)
        return self.filter(query) if query else self.none()


class Organization(TimeStamped):
    """A node of the organization tree; `path` makes subtree queries one prefix match."""

    code = models.SlugField(max_length=64, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_fr = models.CharField(_("name (French)"), max_length=300)
    acronym = models.CharField(max_length=32, blank=True)
    kind = models.CharField(max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    # "/<id>/<id>/.../" from the root; maintained by services.organization_create/move.
    path = models.CharField(max_length=500, db_index=True, editable=False, default="")
    level_of_government = models.CharField(max_length=20, choices=GovernmentLevel.choices)
    service_area = models.CharField(max_length=120, blank=True,
                                    help_text=_("Used to form peer groups, e.g. 'transportation'."))
    client_types = models.JSONField(default=list, blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        return bilingual(self, "name")

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    @property
    def has_whole_path(self) -> bool:
        """Whether the tree path is whole (well formed and ending with the node's own id).

        An organization saved without the organization services (a raw insert, a damaged row)
        may have an empty or wrong path; such a node grants nothing and is matched by nothing.
        """
        return bool(self.path) and path_ids(self.path)[-1:] == (self.pk,)

    @property
    def ancestor_ids(self) -> tuple[int, ...]:
        """Ids from the root down to this organization itself (none for a damaged path)."""
        return path_ids(self.path) if self.has_whole_path else ()

    def ancestors(self) -> list["Organization"]:
        """From the root down to the organization itself (empty for a damaged path)."""
        ids = self.ancestor_ids
        by_id = Organization.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def subtree(self) -> OrganizationQuerySet:
        """The organization and all its descendants (none for a damaged path)."""
        return Organization.objects.within(self)

    def contains(self, other: "Organization") -> bool:
        """Whether `other` is this organization or sits beneath it (False if either is damaged)."""
        return (self.has_whole_path and other.has_whole_path
                and other.path.startswith(self.path))

    def nearest_in(self, by_organization: Mapping[int, T]) -> T | None:
        """The value kept for this organization, else for its nearest ancestor (None: none).

        The one rule for what an organization inherits down the tree (its calendar, a service
        code offered higher up): its own first, then its parent's, up to the root.
        """
        for org_id in reversed(self.ancestor_ids):
            if org_id in by_organization:
                return by_organization[org_id]
        return None

    def clean(self):
        parent_kind = self.parent.kind if self.parent_id else None
        if parent_kind not in ALLOWED_PARENTS.get(self.kind, set()):
            raise ValidationError({"parent": _("A %(kind)s cannot sit under %(parent)s.") % {
                "kind": self.get_kind_display(), "parent": parent_kind or _("nothing")}})
        bad = [c for c in self.client_types if c not in ClientType.values]
        if bad:
            raise ValidationError({"client_types": _("Unknown client type: %s") % ", ".join(bad)})


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    QUALITY_LEAD = "quality_lead", _("Quality lead")
    PROGRAM_MANAGER = "program_manager", _("Program manager")
    CASE_OFFICER = "case_officer", _("Case officer")
    ANALYST = "analyst", _("Analyst")
    AUDITOR = "auditor", _("Auditor")
    EXECUTIVE = "executive", _("Executive")


class Membership(TimeStamped):
    """A user holds a role over an organization and everything beneath it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization", "role"],
                                               name="membership_unique_role")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organization}"


class ApiToken(TimeStamped):
    """A machine client's bearer token; only its SHA-256 digest is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
