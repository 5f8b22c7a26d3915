"""What an import did: counts that reconcile, the rows refused and why."""

from dataclasses import dataclass, field

from outsidein.standards.gc_common import Reject

__all__ = ["ImportReport", "Reject"]


@dataclass(frozen=True)
class ImportReport:
    """Counts of rows (rows_read = created + updated + unchanged + rejected) and what changed.

    A row is one service in one fiscal year: `created` rows added a service or a fiscal year
    to one, `updated` rows changed it, `unchanged` rows found it as it was.
    """

    rows_read: int
    created: int
    updated: int
    unchanged: int
    rejects: tuple[Reject, ...] = ()
    services_created: int = 0
    services_updated: int = 0
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

    def summary(self) -> str:
        """One line for people: rows read, what became of them, what changed, how long."""
        services = (f"services: {self.services_created:,} created, "
                    f"{self.services_updated:,} updated; organizations: "
                    f"{self.organizations_created:,} created, {self.organizations_updated:,} "
                    f"updated{', plus the Government of Canada root' if self.root_created else ''}")
        line = (f"Read {self.rows_read:,} rows: {self.created:,} created, {self.updated:,} "
                f"updated, {self.unchanged:,} unchanged, {self.rejected:,} rejected "
                f"({services}) in {self.duration:.1f} s")
        return f"Dry run, nothing stored. {line}" if self.dry_run else line
