"""Compliance results: one row per standard version, unit, service, channel and period."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from outsidein.compliance.engine.periods import period_of
from outsidein.compliance.engine.rules import ANCHOR_EVENTS
from outsidein.warehouse.schema import ATTRIBUTES


class PeriodKind(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    FISCAL_YEAR = "fiscal_year", _("Fiscal year (April–March)")


class TargetMet(models.TextChoices):
    YES = "Y", _("Yes")
    NO = "N", _("No")
    NOT_AVAILABLE = "NA", _("Not available")


class ResultSource(models.TextChoices):
    ENGINE = "engine", _("Computed from interaction records")
    REPORTED = "reported", _("Reported volumes (imported)")


# Query parameters of an address (beyond its path); absent means blank (none, every channel) or
# the engine's result.
ADDRESS_PARAMETERS = ("service", "channel", "source")


@dataclass(frozen=True)
class ResultAddress:
    """What a result measures, which names it in links: a recompute replaces the row, not this.

    A standard version (measured versions are never deleted), an organization's code, a period
    label (2025-06-02, 2025-W23, 2025-06, 2025-Q2, FY2025-26), a service's slug (blank: the
    result without a service), a channel (blank: every channel) and the source of the figures.
    """

    version_id: int
    organization: str
    period: str
    service: str = ""
    channel: str = ""
    source: str = ResultSource.ENGINE.value

    @classmethod
    def from_request(cls, *, version_id: int, organization: str, period: str,
                     query: Mapping[str, str]) -> ResultAddress:
        """The address of a request's path parts and query (`service`, `channel`, `source`)."""
        return cls(version_id=version_id, organization=organization, period=period,
                   service=query.get("service", ""), channel=query.get("channel", ""),
                   source=query.get("source", "") or ResultSource.ENGINE.value)

    def url(self, name: str = "records", **extra: str) -> str:
        """The address of a compliance page ("records" or "records_csv"), with extra parameters
        (a filter) after the address's own; blank ones are left out."""
        path = reverse(f"compliance:{name}", kwargs={
            "version_id": self.version_id, "organization": self.organization,
            "period": self.period})
        query = {"service": self.service, "channel": self.channel,
                 "source": "" if self.source == ResultSource.ENGINE else self.source, **extra}
        query = {key: value for key, value in query.items() if value not in ("", None)}
        return f"{path}?{urlencode(query)}" if query else path


class ComplianceResult(models.Model):
    """Volume, volume meeting the standard, the share with its 95% Wilson interval, target met."""

    version = models.ForeignKey("standards.StandardVersion", on_delete=models.CASCADE,
                                related_name="results")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE,
                                     related_name="compliance_results")
    service = models.ForeignKey("standards.Service", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="compliance_results")
    channel = models.CharField(max_length=12, blank=True)
    period_kind = models.CharField(max_length=12, choices=PeriodKind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    source = models.CharField(max_length=10, choices=ResultSource.choices,
                              default=ResultSource.ENGINE)
    total = models.BigIntegerField(null=True, blank=True, help_text=_("Blank: not reported."))
    meeting = models.BigIntegerField(null=True, blank=True)
    pending = models.BigIntegerField(default=0,
                                     help_text=_("Open and not yet due: counted separately."))
    excluded = models.JSONField(default=dict, blank=True,
                                help_text=_("Records excluded, by reason."))
    share = models.FloatField(null=True, blank=True, help_text=_("Blank: not available."))
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    target = models.FloatField(null=True, blank=True)
    target_met = models.CharField(max_length=2, choices=TargetMet.choices,
                                  default=TargetMet.NOT_AVAILABLE)
    median_elapsed = models.FloatField(null=True, blank=True)
    p90_elapsed = models.FloatField(null=True, blank=True)
    elapsed_unit = models.CharField(max_length=16, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True,
                                   help_text=_("Digest of the inputs this result was computed from."))
    computed_at = models.DateTimeField(auto_now=True)
    as_of = models.DateTimeField(null=True, blank=True,
                                 help_text=_("Records up to this instant were counted."))

    class Meta:
        ordering = ["version", "organization", "period_start"]
        constraints = [models.UniqueConstraint(
            fields=["version", "organization", "service", "channel", "period_kind",
                    "period_start", "source"],
            name="one_result_per_cell")]
        indexes = [models.Index(fields=["period_kind", "period_start"])]

    def __str__(self) -> str:
        return f"{self.version} {self.organization.code} {self.period_kind} {self.period_start}"

    @property
    def address(self) -> ResultAddress:
        """What this result measures (reads the organization and service: select them)."""
        return ResultAddress(
            version_id=self.version_id, organization=self.organization.code,
            period=period_of(self.period_kind, self.period_start).label,
            service=self.service.slug if self.service_id else "", channel=self.channel,
            source=self.source)

    @property
    def records_url(self) -> str:
        """The stable link to the records behind this result."""
        return self.address.url("records")

    @property
    def records_csv_url(self) -> str:
        """The stable link to the same records as CSV."""
        return self.address.url("records_csv")


class DataQualityFinding(models.Model):
    """A problem found in imported figures, reported instead of silently turned into zeros."""

    source = models.CharField(max_length=32)
    line = models.PositiveIntegerField(null=True, blank=True)
    record_key = models.CharField(max_length=120, blank=True)
    code = models.CharField(max_length=40)
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source", "line"]

    def __str__(self) -> str:
        return f"{self.source}:{self.line} {self.code}"


class RuleOptions(models.Model):
    """How the engine reads a version beyond its own fields: the column, due times, channels."""

    version = models.OneToOneField("standards.StandardVersion", on_delete=models.CASCADE,
                                   related_name="rule_options")
    measure = models.CharField(
        max_length=40, blank=True,
        help_text=_("Column a count or yes/no standard reads, e.g. redirects or person_offered."))
    against_due = models.BooleanField(
        default=False,
        help_text=_("Judge a record by its own due time when it has one (met if completed by then)."))
    channels = models.JSONField(
        default=list, blank=True,
        help_text=_("Channels of the records measured; blank follows the standard's channel."))

    def __str__(self) -> str:
        return f"Rule options of {self.version}"

    def clean(self):
        errors = {}
        if self.measure and self.measure not in ATTRIBUTES:
            errors["measure"] = _("Unknown column: %s") % self.measure
        unknown = [c for c in self.channels if c not in ANCHOR_EVENTS]
        if unknown:
            errors["channels"] = _("Unknown channel: %s") % ", ".join(unknown)
        if errors:
            raise ValidationError(errors)
