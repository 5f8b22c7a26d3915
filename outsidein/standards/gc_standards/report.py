"""What a standards import did: counts that reconcile, the published figures checked, the
rows refused and the data-quality findings."""

from collections import Counter
from dataclasses import dataclass, field

from outsidein.standards.gc_common import Reject
from outsidein.standards.gc_standards.mapping import RowFinding

__all__ = ["Reject", "RowFinding", "StandardsImportReport"]


@dataclass(frozen=True)
class StandardsImportReport:
    """Counts of rows (rows_read = created + updated + unchanged + rejected) and what changed.

    A row is one standard of one service in one fiscal year, with its reported volumes:
    `created` rows added a result (and the standard or version it needed), `updated` rows
    changed a standard's version or its result, `unchanged` rows found both as they were.
    `complete_rows` have both volumes, a positive total and a target; `complete_rows_matching`
    of them have our performance and target met equal to the published ones.
    """

    rows_read: int
    created: int
    updated: int
    unchanged: int
    rejects: tuple[Reject, ...] = ()
    findings: tuple[RowFinding, ...] = ()
    complete_rows: int = 0
    complete_rows_matching: int = 0
    standards_created: int = 0
    versions_created: int = 0
    services_created: int = 0
    organizations_created: int = 0
    organizations_updated: int = 0
    root_created: bool = False
    warnings: tuple[str, ...] = ()
    dry_run: bool = False
    duration: float = 0.0
    rejected_lines: tuple[int, ...] = field(default=(), repr=False)

    @property
    def rejected(self) -> int:
        return len(self.rejected_lines)

    @property
    def reconciles(self) -> bool:
        return self.rows_read == self.created + self.updated + self.unchanged + self.rejected

    @property
    def findings_by_code(self) -> dict[str, int]:
        """How many findings of each code, most frequent first."""
        return dict(Counter(f.code for f in self.findings).most_common())

    def summary(self) -> str:
        """Lines for people: rows and what became of them, the check, findings by code."""
        made = (f"standards: {self.standards_created:,} created ({self.versions_created:,} "
                f"versions); services: {self.services_created:,} created; organizations: "
                f"{self.organizations_created:,} created, {self.organizations_updated:,} updated"
                f"{', plus the Government of Canada root' if self.root_created else ''}")
        lines = [f"Read {self.rows_read:,} rows: {self.created:,} created, {self.updated:,} "
                 f"updated, {self.unchanged:,} unchanged, {self.rejected:,} rejected ({made}) "
                 f"in {self.duration:.1f} s",
                 f"Complete rows checked: {self.complete_rows:,}; recomputed performance and "
                 f"target met equal the published values on {self.complete_rows_matching:,}",
                 f"Data-quality findings: {len(self.findings):,} (reported, not failures)"]
        lines += [f"  {code}: {count:,}" for code, count in self.findings_by_code.items()]
        if self.dry_run:
            lines.insert(0, "Dry run, nothing stored.")
        return "\n".join(lines)
