"""The import service: rows of the GC layout into organizations and services, in one transaction."""

import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from outsidein.accounts.models import Organization
from outsidein.common.audit import audit_record_many
from outsidein.standards.gc_common import (
    Ledger,
    federal_organizations,
    free_slug,
    government_root,
    header_warnings,
)
from outsidein.standards.gc_inventory.columns import CODECS
from outsidein.standards.gc_inventory.layout import (
    COLUMNS,
    OTHER_YEARS_KEY,
    REQUIRED_COLUMNS,
)
from outsidein.standards.gc_inventory.mapping import (
    Problem,
    RowInvalid,
    ServiceRecord,
    live_values,
    live_year,
    other_years,
    record_from_row,
    same_fields,
)
from outsidein.standards.gc_inventory.parser import InventoryReader, open_inventory
from outsidein.standards.gc_inventory.report import ImportReport
from outsidein.standards.models import Service

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
_COLUMN_OF_FIELD = {codec.field: column for column, codec in CODECS.items()}


def inventory_import_gc(*, path_or_file: str | Path | IO, by=None, dry_run: bool = False,
                        progress: Callable[[int], Any] | None = None) -> ImportReport:
    """Import a service-inventory file in the GC layout; refused rows are reported, not lost."""
    started = time.monotonic()
    ledger = Ledger()
    records: list[ServiceRecord] = []
    rows_read = 0
    with open_inventory(path_or_file) as text:
        reader = InventoryReader(text)
        warnings = _check_header(reader.columns)
        for line, row in reader:
            rows_read += 1
            try:
                records.append(record_from_row(line, row))
            except RowInvalid as exc:
                ledger.reject(line, exc.problems)
            if progress is not None:
                progress(1)
    with transaction.atomic():
        _store(records, ledger, by)
        if dry_run:
            transaction.set_rollback(True)
    tally = ledger.tally(CREATED, UPDATED, UNCHANGED)
    return ImportReport(
        rows_read=rows_read, created=tally[CREATED], updated=tally[UPDATED],
        unchanged=tally[UNCHANGED], rejects=tuple(sorted(ledger.rejects, key=lambda r: r.line)),
        rejected_lines=tuple(sorted(ledger.rejected)),
        services_created=ledger.counts.get("services_created", 0),
        services_updated=ledger.counts.get("services_updated", 0),
        organizations_created=ledger.counts.get("organizations_created", 0),
        organizations_updated=ledger.counts.get("organizations_updated", 0),
        root_created=bool(ledger.counts.get("root_created")), warnings=tuple(warnings),
        dry_run=dry_run, duration=time.monotonic() - started)


def _check_header(columns: list[str]) -> list[str]:
    return header_warnings(columns, COLUMNS, REQUIRED_COLUMNS, "service-inventory")


def _store(records: list[ServiceRecord], ledger: Ledger, by) -> None:
    records = _without_repeats(records, ledger)
    root = _government_root(ledger, by)
    organizations = _organizations(records, root, ledger, by)
    records = [r for r in records if r.organization_code in organizations]
    _services(records, organizations, ledger, by)


def _without_repeats(records: list[ServiceRecord], ledger: Ledger) -> list[ServiceRecord]:
    """Refuse a second row for the same service and year, or a second title for an owner."""
    first_row: dict[tuple[str, str, str], int] = {}
    first_title: dict[str, ServiceRecord] = {}
    kept = []
    for record in records:
        key = (record.organization_code, record.code, record.fiscal_year)
        if key in first_row:
            ledger.reject(record.line, [Problem(
                "service_id", record.code, f"repeats line {first_row[key]} (same owner_org, "
                                           f"service_id and fiscal_yr)")])
            continue
        owner = first_title.setdefault(record.organization_code, record)
        if owner.organization_names != record.organization_names:
            ledger.reject(record.line, [Problem(
                "owner_org_title", record.organization_title,
                f"differs from line {owner.line} for the same owner_org "
                f"({owner.organization_title!r})")])
            continue
        first_row[key] = record.line
        kept.append(record)
    return kept


def _government_root(ledger: Ledger, by) -> Organization:
    root, created = government_root(by=by)
    if created:
        ledger.bump("root_created")
    return root


def _organizations(records: list[ServiceRecord], root: Organization, ledger: Ledger,
                   by) -> dict[str, Organization]:
    """Each owner_org of the file, created under the root or renamed to the file's title."""
    first: dict[str, ServiceRecord] = {}
    for record in records:
        first.setdefault(record.organization_code, record)
    result = federal_organizations({code: record.organization_names
                                    for code, record in first.items()}, root, by=by)
    ledger.bump("organizations_created", result.created)
    ledger.bump("organizations_updated", result.updated)
    for record in records:
        reason = result.errors.get(record.organization_code)
        if reason is not None:
            ledger.reject(record.line, [Problem("owner_org", record.organization_code, reason)])
    return result.found


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
    _write(to_create, to_update, by)
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


def _write(to_create: list[Service], to_update: list[tuple[Service, dict[str, list]]],
           by) -> None:
    """Save in bulk, then record one audit entry per service created or changed."""
    if connection.features.can_return_rows_from_bulk_insert:
        Service.objects.bulk_create(to_create, batch_size=500)
    else:
        for service in to_create:
            service.save()
    now = timezone.now()
    fields = sorted({name for _, changes in to_update for name in changes} | {"updated_at"})
    for service, _ in to_update:
        service.updated_at = now
    if to_update:
        Service.objects.bulk_update([s for s, _ in to_update], fields, batch_size=500)
    audit_record_many(actor=by, entries=[
        *[("service.create", s, f"{s.name_en} (imported)", None) for s in to_create],
        *[("service.update", s, f"{s.name_en} (imported)", _brief(c)) for s, c in to_update]])


def _brief(changes: dict[str, list]) -> dict[str, Any]:
    """Changes for the audit log; of source_attributes, only the keys that changed."""
    brief = dict(changes)
    if "source_attributes" in brief:
        before, after = (value or {} for value in brief["source_attributes"])
        brief["source_attributes"] = {key: [before.get(key), after.get(key)]
                                      for key in sorted(set(before) | set(after))
                                      if before.get(key) != after.get(key)}
    return brief
