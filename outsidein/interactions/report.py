"""What an import did: counts that reconcile, and the reject report (line, field, value, reason)."""

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv

from outsidein.common.rejects import Reject
from outsidein.common.spreadsheet_safe import safe_arrow_table
from outsidein.interactions.validation import REJECT_SCHEMA

# Rejects kept in memory for the closing summary; the report file holds all of them.
SAMPLE_REJECTS = 20


@dataclass(frozen=True)
class ImportReport:
    """Counts of an import: rows_read = stored + updated + rejected; excluded ⊆ stored + updated."""

    import_id: int | None
    source: str
    rows_read: int
    stored: int
    updated: int
    rejected: int
    excluded: int = 0
    excluded_by_reason: dict[str, int] = field(default_factory=dict)
    rejects: tuple[Reject, ...] = ()  # the first few; the report file has all
    rejects_path: str = ""
    warnings: tuple[str, ...] = ()
    dry_run: bool = False
    duration: float = 0.0

    @property
    def reconciles(self) -> bool:
        return self.rows_read == self.stored + self.updated + self.rejected

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.duration if self.duration > 0 else 0.0

    def summary(self) -> str:
        """One line for people: rows read, what became of them, how fast."""
        excluded = ""
        if self.excluded:
            reasons = ", ".join(f"{n:,} {r!r}" for r, n in sorted(self.excluded_by_reason.items()))
            excluded = f" ({self.excluded:,} of them excluded: {reasons})"
        # A dry run stores nothing: its counts say what the import would do.
        verb = "would be " if self.dry_run else ""
        line = (f"Read {self.rows_read:,} rows: {self.stored:,} {verb}stored, {self.updated:,} "
                f"{verb}updated{excluded}, {self.rejected:,} rejected in {self.duration:.1f} s "
                f"({self.rows_per_second:,.0f} rows/s)")
        if self.import_id is not None:
            line = f"Import {self.import_id}: {line}"
        return f"Dry run, nothing stored. {line}" if self.dry_run else line


class RejectWriter:
    """Appends reject lines to a CSV file as batches are checked; keeps the first few.

    The file is offered for download and opened in spreadsheets, and its values are whatever the
    source file held: formula-like ones are neutralized as written (common.spreadsheet_safe).
    The sample keeps the values as read, for the closing summary.
    """

    def __init__(self, path: Path):
        self.path = path
        self.count = 0
        self.sample: list[Reject] = []
        path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pcsv.CSVWriter(str(path), REJECT_SCHEMA)

    def write(self, rejects: pa.Table) -> None:
        if rejects.num_rows == 0:
            return
        self._writer.write_table(safe_arrow_table(rejects))
        self.count += rejects.num_rows
        if len(self.sample) < SAMPLE_REJECTS:
            for row in rejects.slice(0, SAMPLE_REJECTS - len(self.sample)).to_pylist():
                self.sample.append(Reject(**row))

    def close(self) -> None:
        self._writer.close()
