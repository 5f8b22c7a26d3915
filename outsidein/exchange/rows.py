"""Problems with the rows of a GC file, and the values every GC layout shares: fiscal years
and the owner columns."""

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug

from outsidein.accounts.models import Organization
from outsidein.exchange.reading import Row

# Describe the organization, not the record: stored on Organization, never per row.
ORGANIZATION_COLUMNS = frozenset({"owner_org", "owner_org_title"})

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

