"""Saved column mappings per source system, and the imports of interaction records.

The records themselves live in the interaction store (outsidein/warehouse/store.py), not here.
"""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outsidein.accounts.models import Organization
from outsidein.common.models import TimeStamped
from outsidein.interactions.mappings import MappingSpec, canonical_field
from outsidein.interactions.schema import CHANNELS


def default_time_zone() -> str:
    return settings.TIME_ZONE


class SourceSystem(TimeStamped):
    """A source system whose records are imported, owned by one organization.

    A record's identity is (source, record_id) and a source belongs to one organization, so
    two organizations can never write the same record: only those who may import records for
    the owner (or above it) may import under its name, and its records name organizations
    within the owner's subtree (ADR 0009).
    """

    name = models.CharField(max_length=64, unique=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="source_systems")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SourceMapping(TimeStamped):
    """How one source system's exports read as canonical records."""

    name = models.SlugField(max_length=64, unique=True,
                            help_text=_("Short name used on the command line, e.g. acd-toronto."))
    # Saved configuration belongs to an organization: seen and changed only within its scope.
    # Null only for mappings saved before ownership existed: superusers alone see those.
    organization = models.ForeignKey(Organization, null=True, on_delete=models.PROTECT,
                                     related_name="source_mappings")
    source = models.CharField(
        max_length=64, help_text=_("The source system; with the record id, a record's identity."))
    description = models.CharField(max_length=300, blank=True)
    column_map = models.JSONField(
        default=dict, blank=True,
        help_text=_("File column → canonical field, e.g. {\"Call ID\": \"record_id\"}."))
    timestamp_format = models.CharField(
        max_length=64, blank=True,
        help_text=_("strftime format of date-times, e.g. %d/%m/%Y %H:%M; blank for ISO 8601."))
    time_zone = models.CharField(
        max_length=64, default=default_time_zone,
        help_text=_("IANA time zone of date-times written without an offset."))
    channel = models.CharField(max_length=12, blank=True,
                               help_text=_("Channel of rows that give none."))
    constants = models.JSONField(default=dict, blank=True,
                                 help_text=_("Field → value set on every row."))
    delimiter = models.CharField(max_length=1, blank=True, help_text=_("Blank: detected."))
    encoding = models.CharField(max_length=32, blank=True, help_text=_("Blank: detected."))
    sheet = models.CharField(max_length=100, blank=True,
                             help_text=_("XLSX sheet; blank for the first."))

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors: dict[str, list[str]] = {}
        if not isinstance(self.column_map, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in self.column_map.items()):
            errors["column_map"] = [_("A mapping of file column names to field names.")]
        else:
            unknown = [v for v in self.column_map.values() if canonical_field(v) is None]
            if unknown:
                errors["column_map"] = [_("Not a field: %s") % ", ".join(unknown)]
        if not isinstance(self.constants, dict):
            errors["constants"] = [_("A mapping of field names to values.")]
        else:
            unknown = [k for k in self.constants if canonical_field(k) is None]
            if unknown:
                errors["constants"] = [_("Not a field: %s") % ", ".join(unknown)]
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            errors["time_zone"] = [_("Not an IANA time zone, e.g. America/Toronto.")]
        if self.channel and self.channel not in CHANNELS:
            errors["channel"] = [_("One of: %s") % ", ".join(CHANNELS)]
        if self.timestamp_format and "%" not in self.timestamp_format:
            errors["timestamp_format"] = [_("A strftime format such as %d/%m/%Y %H:%M.")]
        if errors:
            raise ValidationError(errors)

    def spec(self) -> MappingSpec:
        """The mapping as the importer reads it."""
        return MappingSpec(columns=dict(self.column_map), timestamp_format=self.timestamp_format,
                           time_zone=self.time_zone, channel=self.channel,
                           constants={k: str(v) for k, v in self.constants.items()},
                           delimiter=self.delimiter, encoding=self.encoding, sheet=self.sheet)


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    UNDONE = "undone", _("Undone")


class InteractionImport(models.Model):
    """One import of interaction records: a file or an API batch, its counts and its rejects.

    Counts reconcile: rows_read = stored + updated + rejected. `excluded` counts the stored or
    updated records that carry an exclusion reason (they are kept and reported, not dropped).
    """

    source = models.CharField(max_length=64)
    # The organization that owns the source system: the import is seen, and may be undone, by
    # those who may import records for it.
    organization = models.ForeignKey(Organization, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255, blank=True)
    file_format = models.CharField(max_length=12, blank=True)
    path = models.CharField(max_length=1000, blank=True,
                            help_text=_("Where the file waits for a queued import."))
    mapping = models.ForeignKey(SourceMapping, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="imports")
    status = models.CharField(max_length=10, choices=ImportStatus.choices,
                              default=ImportStatus.QUEUED)
    dry_run = models.BooleanField(default=False)
    rows_read = models.BigIntegerField(default=0)
    stored = models.BigIntegerField(default=0)
    updated = models.BigIntegerField(default=0)
    rejected = models.BigIntegerField(default=0)
    excluded = models.BigIntegerField(default=0)
    excluded_by_reason = models.JSONField(default=dict, blank=True)
    progress = models.FloatField(default=0.0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    rejects_path = models.CharField(max_length=1000, blank=True)
    error = models.TextField(blank=True)
    organizations = models.JSONField(
        null=True, blank=True,
        help_text=_("Codes of the organizations the records may name (those the importer may "
                    "import for); blank: any, as from the command line."))
    encoding = models.CharField(
        max_length=32, blank=True,
        help_text=_("Encoding chosen for the file, over the mapping's and detection; blank: "
                    "the mapping's, else detected."))

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.source}, {self.get_status_display()})"

    @property
    def reconciles(self) -> bool:
        return self.rows_read == self.stored + self.updated + self.rejected

    @property
    def is_active(self) -> bool:
        """Still waiting for the worker or running: its figures will change."""
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def can_undo(self) -> bool:
        """Only a finished import that stored something can be taken back as a whole."""
        return self.status == ImportStatus.DONE and not self.dry_run

    # Transitions: verb-named, each with the states it may leave.

    def _move(self, allowed: tuple[str, ...], target: str) -> None:
        if self.status not in allowed:
            raise ValidationError(_("An import that is %(status)s cannot become %(target)s.") % {
                "status": self.get_status_display().lower(),
                "target": str(ImportStatus(target).label).lower()})
        self.status = target

    def start(self) -> None:
        self._move((ImportStatus.QUEUED,), ImportStatus.RUNNING)
        self.started_at = timezone.now()

    def finish(self) -> None:
        self._move((ImportStatus.RUNNING,), ImportStatus.DONE)
        self.progress = 1.0
        self.finished_at = timezone.now()

    def fail(self, error: str) -> None:
        self._move((ImportStatus.QUEUED, ImportStatus.RUNNING), ImportStatus.FAILED)
        self.error = error[:5000]
        self.finished_at = timezone.now()

    def undo(self) -> None:
        self._move((ImportStatus.DONE,), ImportStatus.UNDONE)
        self.undone_at = timezone.now()
