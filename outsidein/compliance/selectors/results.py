"""Reads for the staff compliance pages: results in a user's scope, grouped into trends."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from outsidein.accounts.selectors import organizations_for_user
from outsidein.compliance.engine.periods import parse_period, period_of
from outsidein.compliance.models import ComplianceResult, PeriodKind, ResultAddress, ResultSource

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


def result_at_address(*, user, address: ResultAddress) -> ComplianceResult:
    """The result an address names, in the user's scope, or 404 (also for a malformed address)."""
    try:
        period = parse_period(address.period)
    except ValueError:
        raise Http404 from None
    if period.kind not in PeriodKind.values or address.source not in ResultSource.values:
        raise Http404
    results = results_for_user(user).filter(
        version_id=address.version_id, organization__code=address.organization,
        period_kind=period.kind, period_start=period.start, channel=address.channel,
        source=address.source)
    if address.service:
        results = results.filter(service__slug=address.service)
    else:
        results = results.filter(service__isnull=True)
    # One row per cell (the engine matches cells before writing); pk only makes this certain.
    result = (results.select_related("version__standard", "organization", "service")
              .order_by("pk").first())
    if result is None:
        raise Http404
    return result


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


class TrendSequence:
    """Trends in display order, read from the database a page at a time (Paginator slices it)."""

    def __init__(self, results: QuerySet[ComplianceResult], keys: list[tuple], length: int):
        self._results, self._keys, self._length = results, keys, length

    def __len__(self) -> int:
        return len(self._keys)

    def count(self) -> int:
        return len(self._keys)

    def __getitem__(self, index):
        keys = self._keys[index] if isinstance(index, slice) else [self._keys[index]]
        if not keys:
            return []
        wanted = Q()
        for org, service, standard, channel in keys:
            wanted |= Q(organization_id=org, service_id=service, version__standard_id=standard,
                        channel=channel)
        groups: dict[tuple, list[ComplianceResult]] = {}
        for result in (self._results.filter(wanted)
                       .select_related("version__standard", "organization", "service")
                       .order_by("period_start", "pk")):
            key = (result.organization_id, result.service_id, result.version.standard_id,
                   result.channel)
            groups.setdefault(key, []).append(result)
        trends = [Trend(key="-".join(str(k or 0) for k in key[:3]) + f"-{key[3] or 'all'}",
                        results=_prefer_engine(groups[key])[-self._length:])
                  for key in keys if key in groups]
        return trends if isinstance(index, slice) else trends[0]


def dashboard_trends(*, user, period_kind: str = PeriodKind.MONTH, organization=None,
                     service=None, standard=None) -> TrendSequence:
    """Trends of the latest periods of a kind, per organization, service, standard and channel.

    `organization` narrows to its subtree; `service` and `standard` to one each. Sorted by
    organization, service name, standard code and channel; each page's results are read when
    the page is.
    """
    results = results_for_user(user).filter(period_kind=period_kind)
    if organization is not None:
        results = results.filter(organization__in=organization.subtree())
    if service is not None:
        results = results.filter(service=service)
    if standard is not None:
        results = results.filter(version__standard=standard)
    last = results.aggregate(last=Max("period_start"))["last"]
    if last is None:
        return TrendSequence(results.none(), [], 0)
    since = last - dt.timedelta(days=_LOOKBACK_DAYS.get(period_kind, 370))
    recent = results.filter(period_start__gte=since)
    rows = (recent.values_list("organization_id", "service_id", "version__standard_id", "channel",
                               "organization__path", "service__name_en",
                               "version__standard__code")
            .distinct())
    ordered = sorted(set(rows), key=lambda r: (r[4], r[5] or "", r[6], r[3]))
    return TrendSequence(recent, [r[:4] for r in ordered], TREND_LENGTH.get(period_kind, 12))
