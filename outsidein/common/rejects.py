"""A refused row of an imported file, as every importer reports it (line, field, value, why)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Reject:
    """One problem of a refused row: its line in the file, the field, the value, why."""

    line: int
    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        value = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        return f"line {self.line}: {self.field} {value!r}: {self.reason}"
