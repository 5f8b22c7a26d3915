"""Reads for the staff compliance pages: results in a user's scope, grouped into trends."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, QuerySet
from django.shortcuts import get_object_or_404

from outsidein.accounts.selectors import organizations_for_user
from outsidein.compliance.models import ComplianceResult, PeriodKind, ResultSource
from outsidein.compliance.periods import period_of

# How many periods of each kind a trend shows (the latest ones).
TREND_LENGTH: dict[str, int] = {
    PeriodKind.DAY: 31, PeriodKind.WEEK: 13, PeriodKind.MONTH: 12, PeriodKind.QUARTER: 8,
    PeriodKind.FISCAL_YEAR: 5,
}
# Days to look back for those periods (a little more than their span, to be safe).
_LOOKBACK_DAYS: dict[str, int] = {
    PeriodKind.DAY: 31, PeriodKind.WEEK: 13 * 7, PeriodKind.MONTH: 370, PeriodKind.QUARTER: 740,
    PeriodKind.FISCAL_YEAR: 5 * 366,
}


@dataclass(frozen=True)
class Trend:
    """The results of one standard for one organization, service and channel, oldest first."""

    key: str
    results: list[ComplianceResult]

    @property
    def latest(self) -> ComplianceResult:
        return self.results[-1]

    @property
    def organization(self):
        return self.latest.organization

    @property
    def service(self):
        return self.latest.service

    @property
    def version(self):
        return self.latest.version

    @property
    def standard(self):
        return self.latest.version.standard

    @property
    def channel(self) -> str:
        return self.latest.channel


def results_for_user(user) -> QuerySet[ComplianceResult]:
    """Results of the organizations the user may see."""
    return ComplianceResult.objects.filter(organization__in=organizations_for_user(user))


def result_for_user(user, pk: int) -> ComplianceResult:
    """One result in the user's scope, or 404 (never a 403: others' results do not exist)."""
    return get_object_or_404(results_for_user(user).select_related(
        "version__standard", "organization", "service"), pk=pk)


def period_label(kind: str, start: dt.date) -> str:
    """2025-07-14, 2025-W28, 2025-07, 2025-Q3 or FY2025-26."""
    return period_of(kind, start).label


def _prefer_engine(results: list[ComplianceResult]) -> list[ComplianceResult]:
    """One result per period: computed from records wins over reported figures."""
    by_period: dict[dt.date, ComplianceResult] = {}
    for result in results:
        held = by_period.get(result.period_start)
        if held is None or (held.source != ResultSource.ENGINE
                            and result.source == ResultSource.ENGINE):
            by_period[result.period_start] = result
    return [by_period[k] for k in sorted(by_period)]


def dashboard_trends(*, user, period_kind: str = PeriodKind.MONTH, organization=None,
                     service=None, standard=None) -> list[Trend]:
    """Trends of the latest periods of a kind, per organization, service, standard and channel.

    `organization` narrows to its subtree; `service` and `standard` to one each. Sorted by
    organization, service name, standard code and channel.
    """
    results = results_for_user(user).filter(period_kind=period_kind)
    if organization is not None:
        results = results.filter(organization__path__startswith=organization.path)
    if service is not None:
        results = results.filter(service=service)
    if standard is not None:
        results = results.filter(version__standard=standard)
    last = results.aggregate(last=Max("period_start"))["last"]
    if last is None:
        return []
    since = last - dt.timedelta(days=_LOOKBACK_DAYS.get(period_kind, 370))
    rows = (results.filter(period_start__gte=since)
            .select_related("version__standard", "organization", "service")
            .order_by("period_start", "pk"))
    groups: dict[tuple, list[ComplianceResult]] = {}
    for result in rows:
        key = (result.organization_id, result.service_id, result.version.standard_id,
               result.channel)
        groups.setdefault(key, []).append(result)
    length = TREND_LENGTH.get(period_kind, 12)
    trends = []
    for key, members in groups.items():
        series = _prefer_engine(members)[-length:]
        trends.append(Trend(key="-".join(str(k or 0) for k in key[:3]) + f"-{key[3] or 'all'}",
                            results=series))
    return sorted(trends, key=lambda t: (
        t.organization.path, t.service.name_en if t.service else "", t.standard.code, t.channel))
