"""Reads: which versions the engine measures, and their plans (rules, scope, calendars)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet

from outsidein import workdays
from outsidein.accounts.models import Organization, path_ids
from outsidein.calendars.models import BusinessCalendar
from outsidein.calendars.selectors import calendar_as_workdays
from outsidein.compliance.engine.evaluation import VersionPlan
from outsidein.compliance.engine.rules import CHANNEL_COVERAGE, Rule
from outsidein.compliance.models import ComplianceResult, ResultSource, RuleOptions
from outsidein.standards.models import Service, StandardVersion

# What the engine needs to know about the Common Service Standards beyond their own fields:
# the column a yes/no or count standard reads, and the channel of complaints. RuleOptions on
# a version overrides these.
COMMON_RULE_DEFAULTS: dict[str, dict] = {
    "CSS-TEL-PERSON": {"measure": "person_offered"},
    "CSS-TEL-REDIRECT": {"measure": "redirects"},
    "CSS-WALKIN-ORDER": {"measure": "wait_told"},
    "CSS-FEEDBACK-ACK": {"channels": ("feedback",)},
    "CSS-FEEDBACK-FOLLOWUP": {"channels": ("feedback",)},
    "CSS-FEEDBACK-OFFER": {"channels": ("feedback",)},
}
DEFAULT_CALENDAR_NAME = "default"


def versions_to_measure(versions: Iterable[StandardVersion | int] | None = None,
                        codes: Sequence[str] = ()) -> QuerySet[StandardVersion]:
    """Published and superseded versions with an effective date (some, or all)."""
    queryset = (StandardVersion.objects
                .in_force().filter(effective_from__isnull=False)
                .select_related("standard__organization", "standard__service", "calendar")
                .order_by("pk"))
    if versions is not None:
        queryset = queryset.filter(pk__in=[getattr(v, "pk", v) for v in versions])
    if codes:
        queryset = queryset.filter(standard__code__in=list(codes))
    return queryset


def record_channels(channel: str) -> tuple[str, ...]:
    """The record channels a standard's channel covers (blank: every channel)."""
    if not channel:
        return ()
    return CHANNEL_COVERAGE.get(channel, (channel,))


def rule_for(version: StandardVersion, options: RuleOptions | None = None) -> Rule:
    """The engine's rule of a version: its clock and unit, with options and common defaults."""
    if options is None:
        options = RuleOptions.objects.filter(version=version).first()
    standard = version.standard
    defaults = COMMON_RULE_DEFAULTS.get(standard.code, {}) if standard.is_common else {}
    events = list(version.clock_pauses or [])
    pauses = tuple((a, b) for a, b in zip(events[::2], events[1::2], strict=False))
    if len(events) % 2:
        pauses += ((events[-1], ""),)
    channels = (tuple(options.channels) if options and options.channels
                else tuple(defaults.get("channels", ())) or record_channels(version.channel))
    return Rule(
        unit=version.unit, clock_start=version.clock_start, clock_stop=version.clock_stop,
        pauses=pauses, channels=channels,
        measure=(options.measure if options and options.measure else defaults.get("measure", "")),
        against_due=bool(options and options.against_due),
        by_service=standard.service_id is not None)


@dataclass
class CalendarBook:
    """The calendars a run needs, each once, with the organizations' nearest calendar."""

    calendars: list[workdays.Calendar] = field(default_factory=list)
    positions: dict[int | None, int] = field(default_factory=dict)  # calendar pk -> position
    stored: dict[int, BusinessCalendar] = field(default_factory=dict)
    by_org: dict[int, int] = field(default_factory=dict)  # organization pk -> calendar pk

    @classmethod
    def load(cls) -> CalendarBook:
        book = cls()
        for calendar in BusinessCalendar.objects.order_by("pk"):
            book.stored[calendar.pk] = calendar
            if calendar.organization_id is not None:
                book.by_org.setdefault(calendar.organization_id, calendar.pk)
        return book

    def position(self, calendar_pk: int | None) -> int:
        """The position of a stored calendar (None: the default calendar) in `calendars`."""
        if calendar_pk not in self.positions:
            if calendar_pk is None:
                calendar = workdays.Calendar(DEFAULT_CALENDAR_NAME)
            else:
                calendar = calendar_as_workdays(self.stored[calendar_pk])
            self.positions[calendar_pk] = len(self.calendars)
            self.calendars.append(calendar)
        return self.positions[calendar_pk]

    def nearest(self, organization: Organization) -> int | None:
        """The pk of the organization's calendar, else its nearest ancestor's (None: default)."""
        return organization.nearest_in(self.by_org)


def organizations_under(organization: Organization) -> list[Organization]:
    """The organization and every unit beneath it."""
    return list(organization.subtree().order_by("path"))


@dataclass
class RunPlans:
    """Plans of the versions a run measures, their calendars, and what cannot be measured."""

    plans: list[VersionPlan] = field(default_factory=list)
    calendars: list[workdays.Calendar] = field(default_factory=list)
    versions: dict[int, StandardVersion] = field(default_factory=dict)
    not_measurable: dict[int, list[str]] = field(default_factory=dict)


def run_plans(versions: Iterable[StandardVersion]) -> RunPlans:
    """The plans of many versions, sharing one list of calendars."""
    book = CalendarBook.load()
    options = {o.version_id: o for o in RuleOptions.objects.filter(
        version__in=[v.pk for v in versions])}
    subtrees: dict[int, list[Organization]] = {}
    found = RunPlans()
    for version in versions:
        found.versions[version.pk] = version
        rule = rule_for(version, options.get(version.pk, RuleOptions(version=version)))
        problems = rule.problems()
        if problems:
            found.not_measurable[version.pk] = problems
            continue
        owner = version.standard.organization
        if owner.pk not in subtrees:
            subtrees[owner.pk] = organizations_under(owner)
        found.plans.append(_plan(version, rule, subtrees[owner.pk], book))
    found.calendars = book.calendars
    return found


def version_plan(version: StandardVersion, organizations: Sequence[Organization]
                 ) -> tuple[VersionPlan, list[workdays.Calendar]]:
    """The plan of one version over the given organizations, and the calendars it refers to."""
    book = CalendarBook.load()
    return _plan(version, rule_for(version), organizations, book), book.calendars


def _plan(version: StandardVersion, rule: Rule, organizations: Sequence[Organization],
          book: CalendarBook) -> VersionPlan:
    own = version.calendar_id
    scope = tuple((org.code, org.pk, book.position(own if own else book.nearest(org)))
                  for org in organizations)
    standard = version.standard
    return VersionPlan(
        version_id=version.pk, rule=rule, threshold=version.threshold,
        target=None if version.target_share is None else float(version.target_share),
        effective_from=version.effective_from, effective_to=version.effective_to,
        service_code=standard.service.code if standard.service_id else "",
        organizations=scope)


def service_ids(pairs: Iterable[tuple[int, str | None]]) -> dict[tuple[int, str], int]:
    """(organization pk, service code) -> the service of that code nearest up the tree."""
    pairs = {(org, code) for org, code in pairs if code}
    if not pairs:
        return {}
    paths = dict(Organization.objects.filter(pk__in={o for o, _ in pairs}).values_list("pk", "path"))
    chains = {org: path_ids(paths.get(org, "")) for org, _ in pairs}
    owners = {o for chain in chains.values() for o in chain}
    offered: dict[tuple[int, str], int] = {}
    for pk, org, code in Service.objects.filter(
            organization__in=owners, code__in={c for _, c in pairs}).values_list(
            "pk", "organization_id", "code"):
        offered[(org, code)] = pk
    found = {}
    for org, code in pairs:
        for owner in reversed(chains[org]):
            if (owner, code) in offered:
                found[(org, code)] = offered[(owner, code)]
                break
    return found


def engine_results(version_ids: Iterable[int]) -> QuerySet[ComplianceResult]:
    """Stored engine results of some versions."""
    return ComplianceResult.objects.filter(source=ResultSource.ENGINE, version_id__in=list(version_ids))
