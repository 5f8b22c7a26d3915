"""Services, versioned service standards, and service guarantees."""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from outsidein.common.models import TimeStamped, bilingual
from outsidein.standards.clocks import clock_events_for
from outsidein.standards.vocabulary import (
    Channel,
    Delivery,
    RemedyKind,
    StandardType,
    Unit,
    VersionStatus,
)


class Service(TimeStamped):
    """A service an organization offers to clients, on one or more channels."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="services")
    code = models.CharField(_("service identifier"), max_length=64)
    slug = models.SlugField(max_length=120, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=400)
    name_fr = models.CharField(_("name (French)"), max_length=400)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    has_fee = models.BooleanField(default=False)
    fee_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    fees_en = models.CharField(_("fees (English)"), max_length=500, blank=True)
    fees_fr = models.CharField(_("fees (French)"), max_length=500, blank=True)
    line_of_business = models.CharField(max_length=200, blank=True)
    program_en = models.TextField(blank=True)
    program_fr = models.TextField(blank=True)
    client_types = models.JSONField(default=list, blank=True)
    channels = models.JSONField(default=list, blank=True)
    delivery = models.CharField(max_length=20, choices=Delivery.choices, default=Delivery.DIRECT)
    delivery_partner = models.CharField(max_length=300, blank=True)
    contact_en = models.TextField(_("how to reach it (English)"), blank=True)
    contact_fr = models.TextField(_("how to reach it (French)"), blank=True)
    url_en = models.URLField(max_length=500, blank=True)
    url_fr = models.URLField(max_length=500, blank=True)
    is_public = models.BooleanField(_("shown on the public site"), default=True)
    # Where an imported record came from, and the source columns we do not model, for round-trips.
    source = models.CharField(max_length=32, blank=True)
    source_attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name_en"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"],
                                               name="service_code_per_org")]

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        return bilingual(self, "name")

    @property
    def description(self) -> str:
        return bilingual(self, "description")

    @property
    def fees(self) -> str:
        return bilingual(self, "fees")

    @property
    def contact(self) -> str:
        return bilingual(self, "contact")

    @property
    def url(self) -> str:
        return bilingual(self, "url")

    @staticmethod
    def slug_candidates(name: str, code: str) -> Iterator[str]:
        """The public slugs a service of this name and code may take, best first."""
        base = (slugify(name)[:90] or "service").strip("-")
        candidate = f"{base}-{slugify(code)}"[:120] if code else base
        yield candidate
        n = 2
        while True:
            yield f"{candidate[:110]}-{n}"
            n += 1

    @classmethod
    def free_slug(cls, name: str, code: str, *, taken: set[str] | None = None) -> str:
        """A stable, unique public slug for a service.

        Checked against the stored services, or against `taken` (slugs known in memory, e.g.
        during a bulk import), which then holds the slug found.
        """
        for slug in cls.slug_candidates(name, code):
            if taken is None:
                if not cls.objects.filter(slug=slug).exists():
                    return slug
            elif slug not in taken:
                taken.add(slug)
                return slug
        raise AssertionError("slug_candidates never ends")

    def clean(self):
        bad = [c for c in self.channels if c not in Channel.values]
        if bad:
            raise ValidationError({"channels": _("Unknown channel: %s") % ", ".join(bad)})
        if self.delivery != Delivery.DIRECT and not self.delivery_partner:
            raise ValidationError({"delivery_partner": _("Name who delivers the service.")})


class ServiceStandard(TimeStamped):
    """A commitment's identity; its wording and numbers live in versions."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="standards")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="standards")
    code = models.CharField(max_length=64)
    is_common = models.BooleanField(
        default=False, help_text=_("A Common Service Standard that applies to every service."))

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"],
                                               name="standard_code_per_org")]

    def __str__(self) -> str:
        latest = self.versions.order_by("-number").first()
        return f"{self.code}: {latest.name_en if latest else ''}"


# Versions that are or were in force: published, or published then superseded.
IN_FORCE = (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED)


class StandardVersionQuerySet(models.QuerySet):
    def in_force(self) -> "StandardVersionQuerySet":
        """Versions that are or were in force (published or superseded; never drafts)."""
        return self.filter(status__in=IN_FORCE)

    def published(self) -> "StandardVersionQuerySet":
        """Published versions not yet superseded (the latest of a standard's history)."""
        return self.filter(status=VersionStatus.PUBLISHED)

    def draft(self) -> "StandardVersionQuerySet":
        """The open draft (a standard has at most one)."""
        return self.filter(status=VersionStatus.DRAFT)

    def covering(self, on: dt.date) -> "StandardVersionQuerySet":
        """Versions in force whose effective dates cover the date."""
        return (self.in_force().filter(effective_from__lte=on)
                .filter(models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=on)))


class StandardVersion(models.Model):
    """One version of a standard; published versions are never edited, only superseded.

    Its life: draft → published (`publish`) → superseded (`supersede`, when a later version
    takes effect). The transitions change the object only; services save it and say what
    happened (audit, change notifications).
    """

    standard = models.ForeignKey(ServiceStandard, on_delete=models.CASCADE,
                                 related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=VersionStatus.choices,
                              default=VersionStatus.DRAFT)
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)
    name_en = models.CharField(_("title (English)"), max_length=300)
    name_fr = models.CharField(_("title (French)"), max_length=300)
    text_en = models.TextField(_("standard (English)"))
    text_fr = models.TextField(_("standard (French)"))
    pledge_en = models.TextField(_("quality pledge (English)"), blank=True)
    pledge_fr = models.TextField(_("quality pledge (French)"), blank=True)
    redress_en = models.TextField(_("complaint and redress (English)"), blank=True)
    redress_fr = models.TextField(_("complaint and redress (French)"), blank=True)
    standard_type = models.CharField(max_length=12, choices=StandardType.choices)
    channel = models.CharField(max_length=12, choices=Channel.choices, blank=True)
    clock_start = models.CharField(max_length=40, blank=True)
    clock_stop = models.CharField(max_length=40, blank=True)
    clock_pauses = models.JSONField(default=list, blank=True)
    unit = models.CharField(max_length=16, choices=Unit.choices)
    threshold = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    target_share = models.DecimalField(
        max_digits=6, decimal_places=5, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("Share of interactions that must meet the standard, 0 to 1 (0.8 = 8 in 10)."))
    calendar = models.ForeignKey("calendars.BusinessCalendar", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    change_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    source_attributes = models.JSONField(default=dict, blank=True)

    objects = StandardVersionQuerySet.as_manager()

    class Meta:
        ordering = ["standard", "-number"]
        constraints = [models.UniqueConstraint(fields=["standard", "number"],
                                               name="version_number_unique")]

    def __str__(self) -> str:
        return f"{self.standard.code} v{self.number} ({self.status})"

    @property
    def name(self) -> str:
        return bilingual(self, "name")

    @property
    def text(self) -> str:
        return bilingual(self, "text")

    @property
    def pledge(self) -> str:
        return bilingual(self, "pledge")

    @property
    def redress(self) -> str:
        return bilingual(self, "redress")

    @property
    def target_percent(self) -> int | None:
        return None if self.target_share is None else round(self.target_share * 100)

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def is_in_force(self) -> bool:
        """Whether the version is or was in force (published or superseded)."""
        return self.status in IN_FORCE

    def publish(self, *, effective_from: dt.date, by=None) -> None:
        """Put the draft in force from a date (the version it replaces is superseded apart)."""
        if not self.is_draft:
            raise ValidationError(_("Only a draft can be published."))
        self.status = VersionStatus.PUBLISHED
        self.effective_from = effective_from
        self.published_at = timezone.now()
        self.published_by = by

    def supersede(self, *, ending: dt.date) -> None:
        """End the published version on `ending`; its successor takes effect the day after."""
        if self.status != VersionStatus.PUBLISHED:
            raise ValidationError(_("Only a published version can be superseded."))
        if self.effective_from and ending < self.effective_from:
            raise ValidationError(_("A new version must take effect after %(date)s.")
                                  % {"date": self.effective_from.isoformat()})
        self.status = VersionStatus.SUPERSEDED
        self.effective_to = ending

    def clean(self):
        errors = {}
        uses_clock = self.unit not in (Unit.NONE,) and self.standard_type == StandardType.TIMELINESS
        if uses_clock and (not self.clock_start or not self.clock_stop):
            errors["clock_start"] = _("A timeliness standard names the events that start and "
                                      "stop its clock.")
        events = clock_events_for(self.channel)
        for field in ("clock_start", "clock_stop"):
            value = getattr(self, field)
            if value and value not in events:
                errors[field] = _("“%(event)s” is not an event of this channel (%(known)s).") % {
                    "event": value, "known": ", ".join(events)}
        bad_pauses = [p for p in self.clock_pauses if p not in events]
        if bad_pauses:
            errors["clock_pauses"] = _("Unknown pause event: %s") % ", ".join(bad_pauses)
        if self.unit != Unit.NONE and self.threshold is None and uses_clock:
            errors["threshold"] = _("State the time allowed, e.g. 15 business days.")
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            errors["effective_to"] = _("The end date is before the start date.")
        if errors:
            raise ValidationError(errors)


class Guarantee(TimeStamped):
    """A formal assurance with redress when a standard is missed; needs approval to publish."""

    standard = models.OneToOneField(ServiceStandard, on_delete=models.CASCADE,
                                    related_name="guarantee")
    remedy_kind = models.CharField(max_length=16, choices=RemedyKind.choices)
    refund_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    fee_share = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))])
    remedy_en = models.TextField(_("remedy (English)"), blank=True)
    remedy_fr = models.TextField(_("remedy (French)"), blank=True)
    approving_body = models.CharField(max_length=200, blank=True,
                                      help_text=_("e.g. Treasury Board/Management Board of Cabinet"))
    approved_on = models.DateField(null=True, blank=True)
    approval_reference = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"Guarantee on {self.standard.code}"

    @property
    def remedy(self) -> str:
        return bilingual(self, "remedy")

    @property
    def is_approved(self) -> bool:
        return bool(self.approving_body and self.approved_on and self.approval_reference)

    def clean(self):
        if self.remedy_kind == RemedyKind.REFUND_AMOUNT and not self.refund_amount:
            raise ValidationError({"refund_amount": _("State the amount refunded.")})
        if self.remedy_kind == RemedyKind.FEE_SHARE and not self.fee_share:
            raise ValidationError({"fee_share": _("State the share of the fee refunded.")})

    def refund_for(self, fee: Decimal | None) -> Decimal:
        """The refund owed for one missed transaction that paid `fee`."""
        if self.remedy_kind == RemedyKind.REFUND_AMOUNT:
            return self.refund_amount or Decimal(0)
        return ((fee or Decimal(0)) * (self.fee_share or Decimal(0))).quantize(Decimal("0.01"))
