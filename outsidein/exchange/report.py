"""What every GC import reports: counts of rows that reconcile, the rows refused and why, and
the organizations made; each layout's report adds what it made of the rows."""

from dataclasses import dataclass, field

from outsidein.common.rejects import Reject

__all__ = ["GcImportReport", "Reject"]


@dataclass(frozen=True)
class GcImportReport:
    """Counts of rows (rows_read = created + updated + unchanged + rejected) and what changed."""

    rows_read: int
    created: int
    updated: int
    unchanged: int
    rejects: tuple[Reject, ...] = ()
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

    def rows_line(self, made: str) -> str:
        """The first line for people: rows read, what became of them, what was made, how long."""
        organizations = (f"organizations: {self.organizations_created:,} created, "
                         f"{self.organizations_updated:,} updated"
                         f"{', plus the Government of Canada root' if self.root_created else ''}")
        return (f"Read {self.rows_read:,} rows: {self.created:,} created, {self.updated:,} "
                f"updated, {self.unchanged:,} unchanged, {self.rejected:,} rejected "
                f"({made}; {organizations}) in {self.duration:.1f} s")
