"""What an inventory import did: the shared counts, and the services changed."""

from dataclasses import dataclass

from outsidein.exchange.report import GcImportReport, Reject

__all__ = ["ImportReport", "Reject"]


@dataclass(frozen=True)
class ImportReport(GcImportReport):
    """A row is one service in one fiscal year: `created` rows added a service or a fiscal year
    to one, `updated` rows changed it, `unchanged` rows found it as it was."""

    services_updated: int = 0

    def summary(self) -> str:
        """One line for people: rows read, what became of them, what changed, how long."""
        line = self.rows_line(f"services: {self.services_created:,} created, "
                              f"{self.services_updated:,} updated")
        return f"Dry run, nothing stored. {line}" if self.dry_run else line
