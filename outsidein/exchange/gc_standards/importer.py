"""The standards layout's import: rows into standards, published versions and reported
results, with their data-quality findings (the shared steps: exchange.pipeline)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from outsidein.accounts.models import Organization
from outsidein.compliance.models import ComplianceResult, PeriodKind, ResultSource
from outsidein.compliance.services import data_quality_findings_sync, reported_results_write
from outsidein.exchange.federal import free_slug
from outsidein.exchange.gc_standards.layout import (
    COLUMNS,
    QUALIFIER,
    REQUIRED_COLUMNS,
    SOURCE,
    FindingCode,
)
from outsidein.exchange.gc_standards.mapping import (
    RowFinding,
    StandardRecord,
    record_from_row,
    row_findings,
)
from outsidein.exchange.gc_standards.report import StandardsImportReport
from outsidein.exchange.pipeline import CREATED, UNCHANGED, UPDATED, Layout, Ledger, run_import
from outsidein.exchange.rows import Problem, RowInvalid
from outsidein.standards.models import Service, ServiceStandard, StandardVersion
from outsidein.standards.services import (
    service_standards_import_create,
    services_import_write,
    standard_versions_import_write,
)
from outsidein.standards.vocabulary import Channel, VersionStatus

# Result fields an import sets (besides its keys); compared to tell unchanged from updated.
_RESULT_FIELDS = ("organization_id", "channel", "period_end", "total", "meeting", "share",
                  "ci_low", "ci_high", "target", "target_met", "fingerprint")


def finding_source(record: StandardRecord) -> str:
    """DataQualityFinding.source of a row: the layout and the year its fiscal year ends."""
    return f"gc-ss-{record.fiscal_year[-4:]}"


@dataclass
class _Placement:
    """Where one row lands: its service, standard, version and result, and what changed."""

    record: StandardRecord
    service: Service
    standard: ServiceStandard
    version: StandardVersion | None = None
    version_state: str = UNCHANGED
    result: ComplianceResult | None = None
    result_state: str = UNCHANGED


@dataclass
class _Changes:
    """Objects to write in bulk, and the audit entries they need."""

    standards: list[ServiceStandard]
    new_versions: list[StandardVersion]
    changed_versions: dict[int, tuple[StandardVersion, str]]
    new_results: list[ComplianceResult]
    changed_results: list[ComplianceResult]


def standards_import_gc(*, path_or_file: str | Path | IO, by=None, dry_run: bool = False,
                        progress: Callable[[int], Any] | None = None) -> StandardsImportReport:
    """Import a service-standards file in the GC layout; refused rows are reported, not lost.

    Each row becomes a published standard version of its service (created when missing) and a
    reported fiscal-year result whose share and target met are recomputed from the volumes
    with the publisher's rule (gc_standards.rules). Rows with missing, zero or impossible
    volumes are kept, with data-quality findings stored and returned in the report.
    """
    run = run_import(LAYOUT, path_or_file=path_or_file, by=by, dry_run=dry_run,
                     progress=progress)
    placements, findings = run.stored or ([], [])
    kept = [p.record for p in placements if p.record.line not in run.ledger.rejected]
    complete = [r for r in kept if r.complete]
    counts = run.ledger.counts
    return StandardsImportReport(
        **run.counts(), findings=tuple(sorted(findings, key=lambda f: (f.line, f.code))),
        complete_rows=len(complete),
        complete_rows_matching=sum(1 for r in complete if r.matches_published),
        standards_created=counts.get("standards_created", 0),
        versions_created=counts.get("versions_created", 0))


def _repeated(record: StandardRecord, first_line: int) -> Problem:
    return Problem("service_standard_id", record.standard_id,
                   f"repeats line {first_line} (same owner_org, service_id, "
                   f"service_standard_id and fiscal_yr)")


def _store(records: list[StandardRecord], organizations: dict[str, Organization],
           ledger: Ledger, by) -> tuple[list[_Placement], list[RowFinding]]:
    """Each row's service, standard, version and result, written in bulk; then the findings."""
    services = _services(records, organizations, ledger, by)
    records = [r for r in records if (r.organization_code, r.service_code) in services]
    placements = _standards(records, services, ledger)
    changes = _Changes([p.standard for p in placements if p.standard.pk is None], [], {}, [], [])
    changes.standards = list({id(s): s for s in changes.standards}.values())
    service_standards_import_create(standards=changes.standards)
    ledger.bump("standards_created", len(changes.standards))
    placements = _versions(placements, ledger, changes, by)
    _results(placements, changes)
    standard_versions_import_write(created=changes.new_versions,
                                   changed=list(changes.changed_versions.values()),
                                   new_standards=changes.standards, by=by)
    reported_results_write(created=changes.new_results, changed=changes.changed_results,
                           fields=_RESULT_FIELDS)
    for placement in placements:
        if placement.result_state == CREATED:
            outcome = CREATED
        elif UPDATED in (placement.version_state, placement.result_state):
            outcome = UPDATED
        else:
            outcome = UNCHANGED
        ledger.outcomes[placement.record.line] = outcome
    findings = _findings(placements)
    _sync_findings(placements, findings)
    return placements, findings


def _services(records: list[StandardRecord], organizations: dict[str, Organization],
              ledger: Ledger, by) -> dict[tuple[str, str], Service]:
    """Each row's service: the inventory's when imported, else a minimal one made here."""
    org_ids = [org.pk for org in organizations.values()]
    existing = {(s.organization_id, s.code): s
                for s in Service.objects.filter(organization_id__in=org_ids)}
    groups: dict[tuple[str, str], list[StandardRecord]] = {}
    for record in records:
        groups.setdefault((record.organization_code, record.service_code), []).append(record)
    found: dict[tuple[str, str], Service] = {}
    to_create: list[Service] = []
    taken_slugs: set[str] | None = None
    for (org_code, code), group in groups.items():
        organization = organizations[org_code]
        service = existing.get((organization.pk, code))
        if service is None:
            if taken_slugs is None:
                taken_slugs = set(Service.objects.values_list("slug", flat=True))
            name_en, name_fr = group[0].service_names
            channels = {record.version_fields["channel"] for record in group}
            service = Service(organization=organization, code=code, name_en=name_en,
                              name_fr=name_fr, slug=free_slug(name_en, code, taken_slugs),
                              channels=[c for c in Channel.values if c in channels],
                              source=SOURCE)
            try:
                service.full_clean(exclude=["organization"], validate_unique=False,
                                   validate_constraints=False)
            except ValidationError as exc:
                for record in group:
                    ledger.reject(record.line, _problems(exc, record))
                continue
            to_create.append(service)
        service.organization = organization
        found[(org_code, code)] = service
    services_import_write(created=to_create, changed=[], by=by,
                          note="from the GC service standards")
    ledger.bump("services_created", len(to_create))
    return found


def _standards(records: list[StandardRecord], services: dict[tuple[str, str], Service],
               ledger: Ledger) -> list[_Placement]:
    """Each row's standard, found or made (unsaved).

    A standard is identified by (organization, code); the code is the row's
    service_standard_id unless that already names a standard of another service of the
    organization (publishers reuse ids across services), when it is qualified with the
    service: "1104@1001". Lookups try both, so the rule is stable from one import to the next.
    """
    org_ids = {service.organization_id for service in services.values()}
    by_code: dict[tuple[int, str], ServiceStandard] = {
        (s.organization_id, s.code): s
        for s in ServiceStandard.objects.filter(organization_id__in=org_ids)}
    placements = []
    for record in records:
        service = services[(record.organization_code, record.service_code)]
        org_id = service.organization_id
        plain = record.standard_id
        qualified = f"{plain}{QUALIFIER}{service.code}"
        standard = None
        for code in (plain, qualified):
            candidate = by_code.get((org_id, code))
            if candidate is not None and candidate.service_id == service.pk:
                standard = candidate
                break
        if standard is None:
            code = plain if (org_id, plain) not in by_code else qualified
            limit = ServiceStandard._meta.get_field("code").max_length
            if (org_id, code) in by_code or len(code) > limit:
                reason = (f"is longer than {limit} characters once qualified with the service"
                          if len(code) > limit else
                          f"{code!r} already names another standard of {record.organization_code}")
                ledger.reject(record.line, [Problem("service_standard_id", plain, reason)])
                continue
            standard = ServiceStandard(organization_id=org_id, service=service, code=code)
            by_code[(org_id, code)] = standard
        placements.append(_Placement(record, service, standard))
    return placements


def _versions(placements: list[_Placement], ledger: Ledger, changes: _Changes,
              by) -> list[_Placement]:
    """Each row's published version: the year's, the one in force, or a new one."""
    standard_ids = [p.standard.pk for p in placements]
    versions: dict[int, list[StandardVersion]] = {}
    for version in StandardVersion.objects.filter(standard_id__in=standard_ids):
        versions.setdefault(version.standard_id, []).append(version)
    now = timezone.now()
    kept = []
    # Oldest fiscal year first, so that a later year supersedes an earlier one.
    for placement in sorted(placements, key=lambda p: (p.record.fiscal_year, p.record.line)):
        known = versions.setdefault(placement.standard.pk, [])
        try:
            version, state = _version_for(placement, known, changes, now, by)
        except RowInvalid as exc:
            ledger.reject(placement.record.line, exc.problems)
            continue
        placement.version, placement.version_state = version, state
        if state == CREATED:
            known.append(version)
            changes.new_versions.append(version)
        elif state == UPDATED:
            changes.changed_versions[version.pk] = (version, "standard.revise")
        kept.append(placement)
    ledger.bump("versions_created", len(changes.new_versions))
    return sorted(kept, key=lambda p: p.record.line)


def _same(version: StandardVersion, fields: dict[str, Any]) -> bool:
    return all(getattr(version, name) == value for name, value in fields.items())


def _is_imported(version: StandardVersion) -> bool:
    return "service_standard_id" in (version.source_attributes or {})


def _version_for(placement: _Placement, known: list[StandardVersion], changes: _Changes,
                 now: dt.datetime, by) -> tuple[StandardVersion, str]:
    """The version a row's fiscal year is reported against, and whether it is new or changed.

    The year's own version (effective from its first day) is reused, or corrected in place
    when it was imported from this layout; otherwise the version in force then is reused when
    it says the same; otherwise a new version takes effect on the year's first day and
    supersedes the one before it.
    """
    record = placement.record
    fields = record.version_fields
    year_start = record.period[0]
    in_force = [v for v in known if v.is_in_force]
    own = next((v for v in in_force if v.effective_from == year_start), None)
    if own is not None:
        if _same(own, fields):
            return own, UNCHANGED
        if not _is_imported(own):
            raise RowInvalid([Problem("service_standard_id", record.standard_id, (
                f"version {own.number} of this standard takes effect {year_start} and was not "
                f"imported from this layout; revise it in Outside-In instead"))])
        for name, value in fields.items():
            setattr(own, name, value)
        _validate(own, record)
        return own, UPDATED
    covering = next((v for v in in_force if v.effective_from and v.effective_from < year_start
                     and (v.effective_to is None or v.effective_to >= year_start)), None)
    if covering is not None and _same(covering, fields):
        return covering, UNCHANGED
    later = [v for v in in_force if v.effective_from and v.effective_from > year_start]
    if later:
        raise RowInvalid([Problem("fiscal_yr", record.fiscal_year, (
            f"version {later[0].number} of this standard takes effect later "
            f"({later[0].effective_from}) and says something else; import fiscal years "
            f"oldest first"))])
    number = max((v.number for v in known), default=0) + 1
    version = StandardVersion(standard=placement.standard, number=number,
                              status=VersionStatus.PUBLISHED, effective_from=year_start,
                              created_by=by, published_at=now, published_by=by, **fields)
    _validate(version, record)
    if covering is not None and covering.status == VersionStatus.PUBLISHED:
        covering.supersede(ending=year_start - dt.timedelta(days=1))
        if covering.pk is not None:  # else it is created so, from an earlier row of this file
            changes.changed_versions.setdefault(covering.pk, (covering, "standard.supersede"))
    return version, CREATED


def _validate(version: StandardVersion, record: StandardRecord) -> None:
    try:
        version.full_clean(exclude=["standard", "calendar", "created_by", "published_by"],
                           validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise RowInvalid(_problems(exc, record)) from None


_COLUMN_OF_FIELD = {"name_en": "service_standard_en", "name_fr": "service_standard_fr",
                    "text_en": "service_standard_en", "text_fr": "service_standard_fr",
                    "standard_type": "type", "channel": "channel", "target_share": "target",
                    "code": "service_id"}


def _problems(exc: ValidationError, record: StandardRecord) -> list[Problem]:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    problems = []
    for name, messages in errors.items():
        column = _COLUMN_OF_FIELD.get(name, name or "(row)")
        problems.append(Problem(column, str(record.raw.get(column, "")), "; ".join(messages)))
    return problems


def _results(placements: list[_Placement], changes: _Changes) -> None:
    """Each row's reported fiscal-year result, made or brought up to date."""
    version_ids = [p.version.pk for p in placements if p.version.pk is not None]
    existing = {(r.version_id, r.service_id, r.period_start): r
                for r in ComplianceResult.objects.filter(
                    version_id__in=version_ids, source=ResultSource.REPORTED,
                    period_kind=PeriodKind.FISCAL_YEAR)}
    for placement in placements:
        record, version = placement.record, placement.version
        values = record.result_values()
        values.update(organization_id=placement.service.organization_id,
                      channel=version.channel)
        start = record.period[0]
        result = existing.get((version.pk, placement.service.pk, start)) if version.pk else None
        if result is None:
            result = ComplianceResult(version=version, service=placement.service,
                                      period_kind=PeriodKind.FISCAL_YEAR, period_start=start,
                                      source=ResultSource.REPORTED, **values)
            placement.result_state = CREATED
            changes.new_results.append(result)
        elif any(getattr(result, name) != values[name] for name in _RESULT_FIELDS):
            for name in _RESULT_FIELDS:
                setattr(result, name, values[name])
            placement.result_state = UPDATED
            changes.changed_results.append(result)
        placement.result = result


def _findings(placements: list[_Placement]) -> list[RowFinding]:
    """Every row's findings, and a finding for each id reused across services."""
    found: list[RowFinding] = []
    holders: dict[tuple[int, str], _Placement] = {}
    for placement in placements:
        if placement.standard.code == placement.record.standard_id:
            holders[(placement.service.organization_id, placement.standard.code)] = placement
    for placement in placements:
        record = placement.record
        found.extend(row_findings(record))
        if placement.standard.code != record.standard_id:
            holder = holders.get((placement.service.organization_id, record.standard_id))
            where = (f"service {holder.service.code} (line {holder.record.line})"
                     if holder is not None else "another service")
            same = ("; the same volumes are reported on both rows"
                    if holder is not None and (holder.record.meeting, holder.record.total)
                    == (record.meeting, record.total) and record.total is not None else "")
            found.append(RowFinding(
                record.line, record.key, FindingCode.REUSED_STANDARD_ID,
                (f"service_standard_id {record.standard_id!r} also names the standard of "
                 f"{where} in {record.organization_code}; stored as "
                 f"{placement.standard.code!r}{same}")[:500]))
    return found


def _sync_findings(placements: list[_Placement], findings: list[RowFinding]) -> None:
    """Store the rows' findings: add new ones, correct moved ones, drop those now gone.

    Findings are keyed by (source, record key, code); a record's findings that its latest
    import no longer raises are deleted. Records not in the file are left alone.
    """
    source_of = {p.record.line: finding_source(p.record) for p in placements}
    data_quality_findings_sync(
        records={(source_of[p.record.line], p.record.key[:120]) for p in placements},
        wanted={(source_of[f.line], f.record_key[:120], f.code): (f.line, f.message)
                for f in findings})


LAYOUT = Layout(
    name="service-standards", columns=COLUMNS, required=REQUIRED_COLUMNS,
    record_from_row=record_from_row,
    identity=lambda record: (record.key, record.fiscal_year), repeated=_repeated, store=_store)
