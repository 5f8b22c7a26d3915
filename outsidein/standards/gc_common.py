"""What the Government of Canada's open-data layouts share: reading the file, row problems,
the owner columns, and the federal organizations under the "gc" root.

Used by `gc_inventory` (the service inventory) and `gc_standards` (service standards and their
results); each of those keeps its own columns, mapping and report.
"""

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug

from outsidein.accounts.models import GovernmentLevel, Organization, OrgKind
from outsidein.accounts.services import organization_create, organization_update
from outsidein.common.rejects import Reject
from outsidein.standards.models import Service

# --- The federal organizations -------------------------------------------------------------

ROOT_CODE = "gc"
ROOT_NAME_EN = "Government of Canada"
ROOT_NAME_FR = "Gouvernement du Canada"

# Departments led by a minister (Financial Administration Act, schedule I) become ministries;
# every other owner_org (agencies, boards, commissions, councils, tribunals) an agency.
DEPARTMENTS = frozenset({
    "aafc-aac", "aandc-aadnc", "cic", "dfatd-maecd", "dfo-mpo", "dnd-mdn", "ec", "esdc-edsc",
    "fin", "hc-sc", "ic", "infc", "isc-sac", "jus", "nrcan-rncan", "pch", "pco-bcp", "ps-sp",
    "pwgsc-tpsgc", "tbs-sct", "tc", "vac-acc", "wage",
})

# Describe the organization, not the record: stored on Organization, never per row.
ORGANIZATION_COLUMNS = frozenset({"owner_org", "owner_org_title"})


# --- Reading a file ------------------------------------------------------------------------

Row = dict[str | None, "str | list[str] | None"]

# Some descriptions are long; the csv module's default limit (128 KiB) is kept as a guard.
csv.field_size_limit(1024 * 1024)


class GcFileError(Exception):
    """The file as a whole cannot be read (missing, not UTF-8, not CSV, missing columns)."""


@contextmanager
def open_gc_file(path_or_file: str | Path | IO) -> Iterator[IO[str]]:
    """A text stream over a path or an open file; a UTF-8 byte-order mark is dropped."""
    if isinstance(path_or_file, str | Path):
        path = Path(path_or_file)
        if not path.is_file():
            raise GcFileError(f"no such file: {path}")
        with path.open(encoding="utf-8-sig", newline="") as text:
            yield text
        return
    if isinstance(path_or_file, io.TextIOBase):
        yield path_or_file
        return
    # A binary stream (an upload, say): decode it here, dropping a byte-order mark.
    yield codecs.getreader("utf-8-sig")(path_or_file)


def _column_name(raw: str) -> str:
    # A text stream opened without utf-8-sig still carries the mark on the first name.
    return raw.replace("\ufeff", "").strip()


class GcReader:
    """Iterate (line, row) over a CSV file; line is where the row starts in the file."""

    def __init__(self, text: IO[str]):
        self._reader = csv.reader(text)
        try:
            header = next(self._reader)
        except StopIteration:
            raise GcFileError("the file is empty") from None
        except UnicodeDecodeError as exc:
            raise GcFileError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        except csv.Error as exc:
            raise GcFileError(f"line 1: not a readable CSV header ({exc})") from None
        self.columns: list[str] = [_column_name(name) for name in header]
        repeated = sorted({c for c in self.columns if self.columns.count(c) > 1})
        if repeated:
            raise GcFileError(f"line 1: repeated column(s): {', '.join(repeated)}")
        self.header_lines = self._reader.line_num

    def __iter__(self) -> Iterator[tuple[int, Row]]:
        width = len(self.columns)
        next_line = self.header_lines + 1
        while True:
            try:
                values = next(self._reader)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise GcFileError(f"near line {next_line}: not UTF-8 text ({exc.reason})"
                                  ) from None
            except csv.Error as exc:
                raise GcFileError(f"line {next_line}: {exc}") from None
            line, next_line = next_line, self._reader.line_num + 1
            if not values or values == [""]:
                continue  # a blank line carries no row
            # DictReader's convention: missing trailing values are None, extras sit under None.
            row: Row = dict(zip(self.columns, values, strict=False))
            for column in self.columns[len(values):]:
                row[column] = None
            if len(values) > width:
                row[None] = values[width:]
            yield line, row


def count_rows(path: str | Path) -> int | None:
    """How many rows a file holds (for a progress bar), or None when it cannot tell."""
    try:
        with open_gc_file(path) as text:
            return sum(1 for _ in GcReader(text))
    except (GcFileError, OSError):
        return None


def header_warnings(columns: list[str], layout: Iterable[str], required: Iterable[str],
                    what: str) -> list[str]:
    """Warnings about optional columns absent or unknown; GcFileError for a required one."""
    layout = tuple(layout)
    missing = [c for c in required if c not in columns]
    if missing:
        raise GcFileError(f"line 1: the header lacks required column(s) {', '.join(missing)}; "
                          f"is this the GC {what} layout?")
    warnings = []
    absent = [c for c in layout if c not in columns]
    if absent:
        warnings.append(f"columns not in the file, left empty: {', '.join(absent)}")
    extra = [c for c in columns if c not in layout]
    if extra:
        warnings.append(f"columns not in the layout, kept with each record but not exported: "
                        f"{', '.join(extra)}")
    return warnings


# --- Problems with rows --------------------------------------------------------------------

ROW = "(row)"


@dataclass(frozen=True)
class Problem:
    """Why one value of a row cannot be taken."""

    field: str
    value: str
    reason: str


class RowInvalid(ValueError):
    """A row the importer cannot take, with every problem found in it."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{p.field}: {p.reason}" for p in problems))
        self.problems = tuple(problems)


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


def shape_problems(row: Row) -> list[Problem]:
    """Problems of a row with more or fewer values than the header has columns."""
    extra = row.get(None)
    if extra:
        return [Problem(ROW, ", ".join(map(str, extra))[:200],
                        f"{len(extra)} more value(s) than the header has columns")]
    missing = [column for column, value in row.items() if value is None]
    if missing:
        return [Problem(missing[0], "", f"the row ends before this column "
                                        f"({len(missing)} value(s) missing)")]
    return []


def required_text(value: str, column: str, problems: list[Problem], max_length: int) -> str:
    """The value without surrounding spaces; a problem when empty or too long."""
    stripped = value.strip()
    if not stripped:
        problems.append(Problem(column, value, "is empty"))
    elif len(stripped) > max_length:
        problems.append(Problem(column, value[:200], f"is longer than {max_length} characters"))
    return stripped


_FISCAL_YEAR = re.compile(r"(\d{4})-(\d{4})")


def fiscal_year(raw: str, problems: list[Problem]) -> str:
    """A fiscal_yr value ("2023-2024") without spaces; a problem when it is not one."""
    value = raw.strip()
    match = _FISCAL_YEAR.fullmatch(value)
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        problems.append(Problem("fiscal_yr", raw, "is not a fiscal year like 2023-2024"))
    return value


def fiscal_year_bounds(value: str) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal year "2023-2024": 2023-04-01 and 2024-03-31."""
    start = int(value[:4])
    return dt.date(start, 4, 1), dt.date(start + 1, 3, 31)


def fiscal_year_label(start: dt.date) -> str:
    """The fiscal_yr value of the fiscal year starting on (or containing) a date."""
    first = start.year if start.month >= 4 else start.year - 1
    return f"{first}-{first + 1}"


def organization_names(title: str) -> tuple[str, str] | None:
    """English and French names from an owner_org_title ("English | French"), or None."""
    parts = [part.strip() for part in title.split("|")]
    if len(parts) != 2 or not all(parts):
        return None
    return parts[0], parts[1]


def owner(values: Mapping[str, str], problems: list[Problem]
          ) -> tuple[str, str, tuple[str, str] | None]:
    """The owner_org code (lower case, no spaces), its raw title, and the title's two names."""
    org_raw = values.get("owner_org") or ""
    # Publisher codes are lower-case CKAN names; case and spacing never tell two apart.
    org_code = required_text(org_raw, "owner_org", problems, 64).lower()
    if org_code:
        try:
            validate_slug(org_code)
        except ValidationError:
            problems.append(Problem("owner_org", org_raw,
                                    "is not an organization code (letters, digits, hyphens)"))
    title = values.get("owner_org_title") or ""
    names = organization_names(title)
    if names is None:
        problems.append(Problem("owner_org_title", title,
                                "must read 'English name | French name'"))
    return org_code, title, names


def owner_title(organization: Organization) -> str:
    """The owner_org_title an organization is exported with."""
    return f"{organization.name_en} | {organization.name_fr}"


# --- Organizations and services ------------------------------------------------------------

def government_root(*, by=None) -> tuple[Organization, bool]:
    """The Government of Canada root organization, created when missing (and whether it was)."""
    root = Organization.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return organization_create(code=ROOT_CODE, name_en=ROOT_NAME_EN, name_fr=ROOT_NAME_FR,
                                   kind=OrgKind.GOVERNMENT,
                                   level_of_government=GovernmentLevel.FEDERAL, by=by), True
    if root.kind != OrgKind.GOVERNMENT or root.parent_id is not None:
        raise GcFileError(f"organization {ROOT_CODE!r} exists but is not a top-level "
                          f"government; it cannot hold federal organizations")
    return root, False


@dataclass
class FederalOrganizations:
    """Organizations by owner_org code, how many were created or renamed, and refusals."""

    found: dict[str, Organization] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    errors: dict[str, str] = field(default_factory=dict)


def federal_organizations(names: Mapping[str, tuple[str, str]], root: Organization, *,
                          by=None) -> FederalOrganizations:
    """Each owner_org, created under the root or renamed to the file's title.

    An owner_org that exists outside the root, or cannot be created, is in `errors` with the
    reason; the caller refuses its rows.
    """
    result = FederalOrganizations()
    existing = {o.code: o for o in Organization.objects.filter(code__in=list(names))}
    for code, (name_en, name_fr) in names.items():
        org = existing.get(code)
        try:
            if org is None:
                kind = OrgKind.MINISTRY if code in DEPARTMENTS else OrgKind.AGENCY
                org = organization_create(code=code, name_en=name_en, name_fr=name_fr,
                                          kind=kind, parent=root, by=by,
                                          level_of_government=GovernmentLevel.FEDERAL)
                result.created += 1
            elif not root.contains(org) or org.pk == root.pk:
                raise ValidationError(f"organization {code!r} already exists outside the "
                                      f"Government of Canada ({org.name_en})")
            elif (org.name_en, org.name_fr) != (name_en, name_fr):
                organization_update(organization=org, name_en=name_en, name_fr=name_fr, by=by)
                result.updated += 1
        except ValidationError as exc:
            result.errors[code] = "; ".join(exc.messages)
            continue
        result.found[code] = org
    return result


def free_slug(name: str, code: str, taken: set[str]) -> str:
    """Service.free_slug against slugs known in memory (the slug found is then taken)."""
    return Service.free_slug(name, code, taken=taken)
