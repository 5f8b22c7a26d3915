"""Organizations (a tree with peer attributes), memberships with roles, API tokens."""

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
