"""One import pipeline for every GC layout: read, drop repeats, place the owners, store, report.

A layout (`Layout`) says how a row becomes a record, what identifies a record in the file and
how its records are stored (found or made, then written in bulk through the owning apps'
services). The pipeline does the rest the same way for every layout: the file and its header,
refused rows, repeated rows and owner titles, the Government of Canada root and the federal
organizations, one transaction (rolled back on a dry run), and the counts every report shares.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Generic, Protocol, TypeVar

from django.db import transaction

from outsidein.accounts.models import Organization
from outsidein.common.rejects import Reject
from outsidein.exchange.federal import federal_organizations, government_root
from outsidein.exchange.reading import GcReader, Row, header_warnings, open_gc_file
from outsidein.exchange.rows import Problem, RowInvalid

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class Ledger:
    """Outcome of every row read, and the problems of refused rows."""

    outcomes: dict[int, str] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    rejected: set[int] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)

    def reject(self, line: int, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.rejected.add(line)
        self.outcomes.pop(line, None)
        self.rejects.extend(Reject(line, p.field, p.value, p.reason) for p in problems)

    def bump(self, name: str, by: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + by

    def tally(self, *names: str) -> dict[str, int]:
        return {name: sum(1 for o in self.outcomes.values() if o == name) for name in names}


class GcRecord(Protocol):
    """What the pipeline needs of a layout's record: where it is and who owns it."""

    line: int
    fiscal_year: str
    organization_code: str
    organization_title: str
    organization_names: tuple[str, str]


R = TypeVar("R", bound=GcRecord)


@dataclass(frozen=True)
class Layout(Generic[R]):
    """How one GC layout reads and stores its rows (see the module docstring)."""

    name: str  # in the message for a file without the required columns: "service-inventory"
    columns: tuple[str, ...]
    required: tuple[str, ...]
    record_from_row: Callable[[int, Row], R]  # or RowInvalid
    identity: Callable[[R], tuple]  # what a second row of the file may not repeat
    repeated: Callable[[R, int], Problem]  # why a repeat is refused, given the first line
    # Store the records of saved organizations (by owner_org code), recording each row's
    # outcome (CREATED, UPDATED, UNCHANGED) or refusal in the ledger; returns what the
    # layout's report needs.
    store: Callable[[list[R], dict[str, Organization], Ledger, Any], Any]
    # The inventory makes the Government of Canada root even for a file whose rows are all
    # refused (as it always has); the standards only when a row is to be stored.
    root_without_records: bool = False


@dataclass(frozen=True)
class ImportRun:
    """What the pipeline did, for the layout's report."""

    rows_read: int
    ledger: Ledger
    warnings: tuple[str, ...]
    dry_run: bool
    duration: float
    stored: Any  # what Layout.store returned (None when nothing was to be stored)

    def counts(self) -> dict[str, Any]:
        """The fields every GC import report has (see report.GcImportReport)."""
        ledger = self.ledger
        tally = ledger.tally(CREATED, UPDATED, UNCHANGED)
        return dict(
            rows_read=self.rows_read, created=tally[CREATED], updated=tally[UPDATED],
            unchanged=tally[UNCHANGED],
            rejects=tuple(sorted(ledger.rejects, key=lambda r: r.line)),
            rejected_lines=tuple(sorted(ledger.rejected)),
            services_created=ledger.counts.get("services_created", 0),
            organizations_created=ledger.counts.get("organizations_created", 0),
            organizations_updated=ledger.counts.get("organizations_updated", 0),
            root_created=bool(ledger.counts.get("root_created")), warnings=self.warnings,
            dry_run=self.dry_run, duration=self.duration)


def run_import(layout: Layout, *, path_or_file: str | Path | IO, by=None, dry_run: bool = False,
               progress: Callable[[int], Any] | None = None) -> ImportRun:
    """Read a file in the layout and store its rows in one transaction; refusals are counted.

    GcFileError when the file as a whole cannot be read; nothing is stored then.
    """
    started = time.monotonic()
    ledger = Ledger()
    records: list = []
    rows_read = 0
    with open_gc_file(path_or_file) as text:
        reader = GcReader(text)
        warnings = header_warnings(reader.columns, layout.columns, layout.required, layout.name)
        for line, row in reader:
            rows_read += 1
            try:
                records.append(layout.record_from_row(line, row))
            except RowInvalid as exc:
                ledger.reject(line, exc.problems)
            if progress is not None:
                progress(1)
    with transaction.atomic():
        stored = _store(layout, records, ledger, by)
        if dry_run:
            transaction.set_rollback(True)
    return ImportRun(rows_read=rows_read, ledger=ledger, warnings=tuple(warnings),
                     dry_run=dry_run, duration=time.monotonic() - started, stored=stored)


def _store(layout: Layout, records: list, ledger: Ledger, by) -> Any:
    records = _without_repeats(layout, records, ledger)
    if not records and not layout.root_without_records:
        return None
    root, root_created = government_root(by=by)
    if root_created:
        ledger.bump("root_created")
    names: dict[str, tuple[str, str]] = {}
    for record in records:
        names.setdefault(record.organization_code, record.organization_names)
    organizations = federal_organizations(names, root, by=by)
    ledger.bump("organizations_created", organizations.created)
    ledger.bump("organizations_updated", organizations.updated)
    for record in records:
        reason = organizations.errors.get(record.organization_code)
        if reason is not None:
            ledger.reject(record.line, [Problem("owner_org", record.organization_code, reason)])
    records = [r for r in records if r.organization_code in organizations.found]
    return layout.store(records, organizations.found, ledger, by)


def _without_repeats(layout: Layout, records: list, ledger: Ledger) -> list:
    """Refuse a second row with the same identity, or a second title for an owner."""
    first_row: dict[tuple, int] = {}
    first_title: dict[str, GcRecord] = {}
    kept = []
    for record in records:
        key = layout.identity(record)
        if key in first_row:
            ledger.reject(record.line, [layout.repeated(record, first_row[key])])
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
