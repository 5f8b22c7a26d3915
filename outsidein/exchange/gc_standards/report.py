"""What a standards import did: the shared counts, the published figures checked and the
data-quality findings."""

from collections import Counter
from dataclasses import dataclass

from outsidein.exchange.gc_standards.mapping import RowFinding
from outsidein.exchange.report import GcImportReport, Reject

__all__ = ["Reject", "RowFinding", "StandardsImportReport"]


@dataclass(frozen=True)
class StandardsImportReport(GcImportReport):
    """A row is one standard of one service in one fiscal year, with its reported volumes:
    `created` rows added a result (and the standard or version it needed), `updated` rows
    changed a standard's version or its result, `unchanged` rows found both as they were.
    `complete_rows` have both volumes, a positive total and a target; `complete_rows_matching`
    of them have our performance and target met equal to the published ones.
    """

    findings: tuple[RowFinding, ...] = ()
    complete_rows: int = 0
    complete_rows_matching: int = 0
    standards_created: int = 0
    versions_created: int = 0

    @property
    def findings_by_code(self) -> dict[str, int]:
        """How many findings of each code, most frequent first."""
        return dict(Counter(f.code for f in self.findings).most_common())

    def summary(self) -> str:
        """Lines for people: rows and what became of them, the check, findings by code."""
        lines = [self.rows_line(f"standards: {self.standards_created:,} created "
                                f"({self.versions_created:,} versions); services: "
                                f"{self.services_created:,} created"),
                 f"Complete rows checked: {self.complete_rows:,}; recomputed performance and "
                 f"target met equal the published values on {self.complete_rows_matching:,}",
                 f"Data-quality findings: {len(self.findings):,} (reported, not failures)"]
        lines += [f"  {code}: {count:,}" for code, count in self.findings_by_code.items()]
        if self.dry_run:
            lines.insert(0, "Dry run, nothing stored.")
        return "\n".join(lines)
