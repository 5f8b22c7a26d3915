"""The inventory layout's import: rows into organizations and services, one Service per
(owner_org, service_id) with every fiscal year merged (the shared steps: exchange.pipeline)."""

from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError

from outsidein.accounts.models import Organization
from outsidein.exchange.federal import free_slug
from outsidein.exchange.gc_inventory.columns import CODECS
from outsidein.exchange.gc_inventory.layout import COLUMNS, OTHER_YEARS_KEY, REQUIRED_COLUMNS
from outsidein.exchange.gc_inventory.mapping import (
    ServiceRecord,
    live_values,
    live_year,
    other_years,
    record_from_row,
    same_fields,
)
from outsidein.exchange.gc_inventory.report import ImportReport
from outsidein.exchange.pipeline import CREATED, UNCHANGED, UPDATED, Layout, Ledger, run_import
from outsidein.exchange.rows import Problem
from outsidein.standards.models import Service
from outsidein.standards.services import services_import_write

_COLUMN_OF_FIELD = {codec.field: column for column, codec in CODECS.items()}


def inventory_import_gc(*, path_or_file: str | Path | IO, by=None, dry_run: bool = False,
                        progress: Callable[[int], Any] | None = None) -> ImportReport:
    """Import a service-inventory file in the GC layout; refused rows are reported, not lost."""
    run = run_import(LAYOUT, path_or_file=path_or_file, by=by, dry_run=dry_run,
                     progress=progress)
    return ImportReport(**run.counts(),
                        services_updated=run.ledger.counts.get("services_updated", 0))


def _repeated(record: ServiceRecord, first_line: int) -> Problem:
    return Problem("service_id", record.code, f"repeats line {first_line} (same owner_org, "
                                              f"service_id and fiscal_yr)")


def _services(records: list[ServiceRecord], organizations: dict[str, Organization],
              ledger: Ledger, by) -> None:
    """Create or change one Service per (owner_org, service_id), all fiscal years merged."""
    groups: dict[tuple[str, str], list[ServiceRecord]] = {}
    for record in records:
        groups.setdefault((record.organization_code, record.code), []).append(record)
    org_ids = [org.pk for org in organizations.values()]
    existing = {(s.organization_id, s.code): s
                for s in Service.objects.filter(organization_id__in=org_ids)
                .select_related("organization")}
    taken_slugs = set(Service.objects.values_list("slug", flat=True))
    to_create: list[Service] = []
    to_update: list[tuple[Service, dict[str, list]]] = []
    for (org_code, code), group in groups.items():
        organization = organizations[org_code]
        service = existing.get((organization.pk, code))
        target, outcomes = _merged(service, group)
        if service is None:
            service = Service(organization=organization, code=code,
                              slug=free_slug(target["name_en"], code, taken_slugs), **target)
            changes = None
        else:
            changes = {name: [getattr(service, name), value] for name, value in target.items()
                       if getattr(service, name) != value}
            for name, value in target.items():
                setattr(service, name, value)
        if service.pk is None or changes:
            try:
                # Organization is a saved row and (organization, code) and slug are unique by
                # construction above: skip the per-row queries full_clean would make for them.
                service.full_clean(exclude=["organization"], validate_unique=False,
                                   validate_constraints=False)
            except ValidationError as exc:
                _reject_group(group, exc, ledger)
                if service.pk is None:
                    taken_slugs.discard(service.slug)
                continue
        for line, outcome in outcomes.items():
            ledger.outcomes[line] = outcome
        if service.pk is None:
            to_create.append(service)
        elif changes:
            to_update.append((service, changes))
    services_import_write(created=to_create, changed=to_update, by=by,
                          note="imported")
    ledger.bump("services_created", len(to_create))
    ledger.bump("services_updated", len(to_update))


def _merged(service: Service | None,
            group: list[ServiceRecord]) -> tuple[dict[str, Any], dict[int, str]]:
    """The service's fields after this file, and each row's outcome.

    The newest fiscal year fills the fields; earlier years' rows are kept whole in
    source_attributes so that an export gives every row back.
    """
    by_year = {record.fiscal_year: record for record in group}
    stored_live = live_year(service) if service is not None else None
    stored_others = other_years(service) if service is not None else {}
    years = set(by_year) | set(stored_others) | ({stored_live} if stored_live else set())
    newest = max(years)

    outcomes: dict[int, str] = {}
    for year, record in by_year.items():
        if service is None:
            outcome = CREATED
        elif stored_live is None:
            outcome = UPDATED  # a service entered by hand, now described by the file
        elif year != stored_live and year not in stored_others:
            outcome = CREATED  # a fiscal year new to this service
        elif year == stored_live == newest:
            outcome = UNCHANGED if same_fields(service, record.fields) else UPDATED
        else:
            before = live_values(service) if year == stored_live else stored_others[year]
            outcome = UNCHANGED if before == record.raw else UPDATED
        outcomes[record.line] = outcome

    if newest in by_year:
        target = dict(by_year[newest].fields)
        attributes = dict(target["source_attributes"])
    else:
        target = {}
        attributes = {k: v for k, v in service.source_attributes.items() if k != OTHER_YEARS_KEY}
    earlier: dict[str, dict[str, str]] = {}
    for year in sorted(years - {newest}):
        if year in by_year:
            earlier[year] = by_year[year].raw
        elif year == stored_live:
            earlier[year] = live_values(service)  # a newer year takes over the fields
        else:
            earlier[year] = stored_others[year]
    if earlier:
        attributes[OTHER_YEARS_KEY] = earlier
    target["source_attributes"] = attributes
    return target, outcomes


def _reject_group(group: list[ServiceRecord], exc: ValidationError, ledger: Ledger) -> None:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    for record in group:
        problems = []
        for name, messages in errors.items():
            column = _COLUMN_OF_FIELD.get(name, name or "(row)")
            value = record.raw.get(column, "")
            problems.append(Problem(column, value, "; ".join(messages)))
        ledger.reject(record.line, problems)


LAYOUT = Layout(
    name="service-inventory", columns=COLUMNS, required=REQUIRED_COLUMNS,
    record_from_row=record_from_row,
    identity=lambda record: (record.organization_code, record.code, record.fiscal_year),
    repeated=_repeated, store=_services, root_without_records=True)
