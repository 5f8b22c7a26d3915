"""Stored business calendars; workdays/ does the arithmetic on what these describe."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from outsidein.common.models import TimeStamped, bilingual

WEEKDAYS = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
            (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday"))]

OPTIONAL_HOLIDAYS = [
    ("civic_holiday", _("Civic Holiday")),
    ("easter_monday", _("Easter Monday")),
    ("remembrance_day", _("Remembrance Day")),
]


class BusinessCalendarQuerySet(models.QuerySet):
    def by_organization(self) -> dict[int, "BusinessCalendar"]:
        """Each organization's own calendar: the first made, should it have several."""
        found: dict[int, BusinessCalendar] = {}
        for calendar in self.filter(organization__isnull=False).order_by("pk"):
            found.setdefault(calendar.organization_id, calendar)
        return found

    def nearest_to(self, organization) -> "BusinessCalendar | None":
        """The organization's calendar, else its nearest ancestor's (None: the default)."""
        own = self.filter(organization__in=organization.ancestor_ids).by_organization()
        return organization.nearest_in(own)


class BusinessCalendar(TimeStamped):
    """A calendar; blank fields are inherited from the parent (government → office)."""

    name = models.CharField(max_length=200)
    organization = models.ForeignKey("accounts.Organization", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="calendars")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    timezone = models.CharField(max_length=64, blank=True,
                                help_text=_("IANA time zone; blank inherits (default America/Toronto)."))
    country = models.CharField(max_length=2, blank=True, help_text=_("ISO country code, e.g. CA."))
    subdivision = models.CharField(max_length=8, blank=True, help_text=_("e.g. ON."))
    observe_substitute_days = models.BooleanField(
        null=True, blank=True,
        help_text=_("When a holiday falls on a weekend, close on the substitute weekday."))
    optional_holidays = models.JSONField(default=list, blank=True,
                                         help_text=_("Optional holidays this calendar observes."))

    objects = BusinessCalendarQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.timezone and self.timezone not in zoneinfo.available_timezones():
            raise ValidationError({"timezone": _("Unknown time zone: %s") % self.timezone})
        keys = {k for k, _label in OPTIONAL_HOLIDAYS}
        unknown = [h for h in self.optional_holidays if h not in keys]
        if unknown:
            raise ValidationError({"optional_holidays": _("Unknown holiday: %s") % ", ".join(unknown)})
        seen, node = set(), self.parent
        while node is not None:
            if node.pk == self.pk or node.pk in seen:
                raise ValidationError({"parent": _("A calendar cannot inherit from itself.")})
            seen.add(node.pk)
            node = node.parent


class CalendarHours(models.Model):
    """One open slot on a weekday, in force from a date (several slots a day allowed)."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="hours")
    effective_from = models.DateField(null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["effective_from", "weekday", "opens"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        if self.opens >= self.closes:
            raise ValidationError(_("Opening time must be before closing time."))


class CalendarClosure(models.Model):
    """A dated whole-day closure (storm, labour disruption, office move)."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="closures")
    on = models.DateField()
    name_en = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200)

    class Meta:
        ordering = ["on"]
        constraints = [models.UniqueConstraint(fields=["calendar", "on"], name="closure_once_a_day")]

    def __str__(self) -> str:
        return f"{self.on.isoformat()} {self.name_en}"

    @property
    def name(self) -> str:
        return bilingual(self, "name")
