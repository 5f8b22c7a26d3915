"""Pure mapping: one source row to a ServiceRecord (import), one Service to rows (export)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from outsidein.exchange.gc_inventory.columns import (
    CODECS,
    ColumnInvalid,
    channels_offered,
    client_types_served,
    source_value,
)
from outsidein.exchange.gc_inventory.layout import COLUMNS, OTHER_YEARS_KEY, SOURCE
from outsidein.exchange.reading import Row
from outsidein.exchange.rows import (
    ORGANIZATION_COLUMNS,
    Problem,
    RowInvalid,
    owner,
    owner_title,
    required_text,
    shape_problems,
)
from outsidein.exchange.rows import fiscal_year as gc_fiscal_year
from outsidein.standards.models import Service


@dataclass(frozen=True)
class ServiceRecord:
    """One row made ready for the database: its keys, Service field values and raw values."""

    line: int
    fiscal_year: str
    organization_code: str
    organization_title: str
    organization_names: tuple[str, str]
    code: str
    fields: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)


def record_from_row(line: int, row: Row) -> ServiceRecord:
    """The ServiceRecord for a row, or RowInvalid listing every problem in it."""
    problems = shape_problems(row)
    if problems:
        raise RowInvalid(problems)
    values: dict[str, str] = {k: v for k, v in row.items() if isinstance(k, str)}

    fiscal_year = gc_fiscal_year(values.get("fiscal_yr", ""), problems)

    code_limit = Service._meta.get_field("code").max_length
    code = required_text(values.get("service_id", ""), "service_id", problems, code_limit)
    if "," in code:
        problems.append(Problem("service_id", code, "cannot contain commas"))

    org_code, title, names = owner(values, problems)

    fields: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    for column, codec in CODECS.items():
        raw = values.get(column)
        try:
            value = codec.decode(raw or "")
        except ColumnInvalid as exc:
            problems.append(Problem(column, raw or "", str(exc)))
            continue
        if codec.field != "code":
            fields[codec.field] = value
        if raw is not None and codec.encode(value) != raw:
            attributes[column] = raw  # what the field cannot say exactly, kept for export
    for column in ("service_name_en", "service_name_fr"):
        limit = Service._meta.get_field(CODECS[column].field).max_length
        required_text(values.get(column, ""), column, problems, limit)
    if problems:
        raise RowInvalid(problems)

    attributes.update({column: value for column, value in values.items()
                       if column not in CODECS and column not in ORGANIZATION_COLUMNS})
    fields.update(client_types=client_types_served(values), channels=channels_offered(values),
                  source=SOURCE, source_attributes=attributes)
    raw_values = {k: v for k, v in values.items() if k not in ORGANIZATION_COLUMNS}
    return ServiceRecord(line=line, fiscal_year=fiscal_year, organization_code=org_code,
                         organization_title=title, organization_names=names, code=code,
                         fields=fields, raw=raw_values)


def live_values(service: Service) -> dict[str, str]:
    """The source values of the service's current fiscal year, organization columns aside."""
    attributes = service.source_attributes or {}
    values = {column: str(value) for column, value in attributes.items()
              if column != OTHER_YEARS_KEY and column not in CODECS}
    values.update({column: source_value(column, service, attributes) for column in CODECS})
    return values


def live_year(service: Service) -> str | None:
    """The fiscal year the service's fields describe, when it came from this layout."""
    return str((service.source_attributes or {}).get("fiscal_yr") or "").strip() or None


def other_years(service: Service) -> dict[str, dict[str, str]]:
    """Raw rows of the service's earlier fiscal years, by fiscal year."""
    return dict((service.source_attributes or {}).get(OTHER_YEARS_KEY) or {})


def rows_for_service(service: Service) -> list[dict[str, str]]:
    """The service's rows in the layout's column order, one per fiscal year, oldest first."""
    organization = service.organization
    owner = {"owner_org": organization.code, "owner_org_title": owner_title(organization)}
    rows = [{**values, **owner} for values in [live_values(service), *other_years(service)
                                                .values()]]
    rows = [{column: str(row.get(column) or "") for column in COLUMNS} for row in rows]
    return sorted(rows, key=lambda row: row["fiscal_yr"].strip())


def same_fields(service: Service, fields: Mapping[str, Any]) -> bool:
    """Whether the service already holds these values (its other fiscal years aside)."""
    for name, value in fields.items():
        current = getattr(service, name)
        if name == "source_attributes":
            current = {k: v for k, v in (current or {}).items() if k != OTHER_YEARS_KEY}
        if current != value:
            return False
    return True
