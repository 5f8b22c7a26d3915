"""Pure mapping: one source row to a StandardRecord (import), one result to a row (export)."""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from outsidein.analysis.proportions import share_meeting_standard, wilson_interval
from outsidein.exchange.gc_standards.layout import (
    CHANNEL_CODES,
    CHANNELS,
    COLUMNS,
    KEPT_VERBATIM,
    MODELLED,
    PLACEHOLDER_IDS,
    STANDARD_TYPES,
    TYPE_CODES,
    FindingCode,
)
from outsidein.exchange.gc_standards.rules import (
    effective_target,
    format_target,
    gc_target_met,
    performance_text,
    same_number,
)
from outsidein.exchange.reading import Row
from outsidein.exchange.rows import (
    ORGANIZATION_COLUMNS,
    Problem,
    RowInvalid,
    fiscal_year,
    fiscal_year_bounds,
    fiscal_year_label,
    owner,
    owner_title,
    required_text,
    shape_problems,
)
from outsidein.standards.models import Service, ServiceStandard, StandardVersion
from outsidein.standards.vocabulary import Channel, Unit

_NAME_LIMIT = StandardVersion._meta.get_field("name_en").max_length
_TARGET_PLACES = StandardVersion._meta.get_field("target_share").decimal_places
_WHOLE = re.compile(r"\d+")


@dataclass(frozen=True)
class RowFinding:
    """A data-quality finding about one row: where, which record, what (code) and why."""

    line: int
    record_key: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line} ({self.record_key}): {self.code}: {self.message}"


@dataclass(frozen=True)
class StandardRecord:
    """One row made ready for the database: its keys, field values, volumes and raw values."""

    line: int
    fiscal_year: str
    organization_code: str
    organization_title: str
    organization_names: tuple[str, str]
    service_code: str
    service_names: tuple[str, str]
    standard_id: str
    version_fields: dict[str, Any]
    meeting: int | None
    total: int | None
    target: Decimal | None
    published_performance: str
    published_target_met: str
    extra_columns: tuple[str, ...] = ()
    raw: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def key(self) -> str:
        """The row's identity in the file: owner, service and standard id."""
        return f"{self.organization_code}/{self.service_code}/{self.standard_id}"

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        return fiscal_year_bounds(self.fiscal_year)

    @property
    def share(self) -> float | None:
        return share_meeting_standard(self.meeting, self.total)

    @property
    def performance(self) -> str:
        return performance_text(self.meeting, self.total)

    @property
    def target_met(self) -> str:
        return gc_target_met(self.meeting, self.total, self.target)

    @property
    def complete(self) -> bool:
        """Both volumes, a positive total and a target: the rows whose figures are checked."""
        return (self.meeting is not None and self.total is not None and self.total > 0
                and effective_target(self.target) is not None)

    @property
    def matches_published(self) -> bool:
        """Our performance and target met equal the published ones."""
        return (same_number(self.published_performance, self.performance)
                and self.published_target_met.strip().upper() == self.target_met)

    def result_values(self) -> dict[str, Any]:
        """ComplianceResult fields for this row (besides its keys)."""
        share = self.share
        interval = None
        if share is not None and self.meeting <= self.total:
            interval = wilson_interval(self.meeting, self.total)
        start, end = self.period
        return dict(
            total=self.total, meeting=self.meeting, share=share,
            ci_low=interval.low if interval else None, ci_high=interval.high if interval else None,
            target=None if self.target is None else float(self.target),
            target_met=self.target_met, period_end=end,
            fingerprint=self.fingerprint(),
        )

    def fingerprint(self) -> str:
        """Digest of what the figures are computed from: the record, its year and volumes."""
        inputs = "|".join(str(part) for part in (
            self.key, self.fiscal_year, self.meeting, self.total, self.target))
        return hashlib.sha256(inputs.encode()).hexdigest()


def _volume(values: dict[str, str], column: str, problems: list[Problem]) -> int | None:
    raw = values.get(column) or ""
    text = raw.strip()
    if not text:
        return None  # blank: not reported — never zero
    if not _WHOLE.fullmatch(text):
        problems.append(Problem(column, raw, "is not a whole number of 0 or more"))
        return None
    return int(text)


def _target(raw: str, problems: list[Problem]) -> Decimal | None:
    text = raw.strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        problems.append(Problem("target", raw, "is not a number"))
        return None
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(1):
        problems.append(Problem("target", raw, "is not a share between 0 and 1"))
        return None
    quantum = Decimal(1).scaleb(-_TARGET_PLACES)
    return value if value == value.quantize(quantum) else value.quantize(quantum)


def _code(raw: str, column: str, codes: dict[str, str], problems: list[Problem]) -> str:
    code = raw.strip().upper()
    if code not in codes:
        problems.append(Problem(column, raw, f"is not one of {', '.join(codes)}"))
        return ""
    return codes[code]


def _name(text: str) -> str:
    return text if len(text) <= _NAME_LIMIT else text[: _NAME_LIMIT - 1] + "…"


def record_from_row(line: int, row: Row) -> StandardRecord:
    """The StandardRecord for a row, or RowInvalid listing every problem in it."""
    problems = shape_problems(row)
    if problems:
        raise RowInvalid(problems)
    values: dict[str, str] = {k: v for k, v in row.items() if isinstance(k, str)}

    year = fiscal_year(values.get("fiscal_yr") or "", problems)
    service_limit = Service._meta.get_field("code").max_length
    service_code = required_text(values.get("service_id") or "", "service_id", problems,
                                 service_limit)
    standard_limit = ServiceStandard._meta.get_field("code").max_length
    standard_id = required_text(values.get("service_standard_id") or "",
                                "service_standard_id", problems, standard_limit)
    for column, code in (("service_id", service_code), ("service_standard_id", standard_id)):
        if "," in code:
            problems.append(Problem(column, code, "cannot contain commas"))
    org_code, title, names = owner(values, problems)
    name_limit = Service._meta.get_field("name_en").max_length
    service_names = tuple(required_text(values.get(column) or "", column, problems, name_limit)
                          for column in ("service_name_en", "service_name_fr"))
    text_en = required_text(values.get("service_standard_en") or "", "service_standard_en",
                            problems, 5000)
    text_fr = required_text(values.get("service_standard_fr") or "", "service_standard_fr",
                            problems, 5000)
    standard_type = _code(values.get("type") or "", "type", STANDARD_TYPES, problems)
    channel = _code(values.get("channel") or "", "channel", CHANNELS, problems)
    target = _target(values.get("target") or "", problems)
    meeting = _volume(values, "volume_meeting_target", problems)
    total = _volume(values, "total_volume", problems)
    if problems:
        raise RowInvalid(problems)

    attributes = {column: values.get(column) or "" for column in KEPT_VERBATIM}
    attributes.update({column: value for column, value in values.items()
                       if column not in MODELLED and column not in ORGANIZATION_COLUMNS})
    # A modelled value the field cannot give back exactly is kept as written, for the export.
    encoded = {"service_id": service_code, "service_standard_en": text_en,
               "service_standard_fr": text_fr, "type": TYPE_CODES[standard_type],
               "channel": CHANNEL_CODES[channel], "target": format_target(target)}
    for column, text in encoded.items():
        raw = values.get(column)
        if raw is not None and raw != text:
            attributes[column] = raw
    version_fields = dict(
        name_en=_name(text_en), name_fr=_name(text_fr), text_en=text_en, text_fr=text_fr,
        standard_type=standard_type, channel=channel, unit=Unit.NONE, clock_start="",
        clock_stop="", threshold=None, target_share=target, source_attributes=attributes)
    return StandardRecord(
        line=line, fiscal_year=year, organization_code=org_code, organization_title=title,
        organization_names=names, service_code=service_code, service_names=service_names,
        standard_id=standard_id, version_fields=version_fields, meeting=meeting, total=total,
        target=target, published_performance=values.get("performance") or "",
        published_target_met=values.get("target_met") or "",
        extra_columns=tuple(c for c in values if c not in COLUMNS), raw=values)


def _figures(record: StandardRecord) -> str:
    return (f"volume_meeting_target {record.raw.get('volume_meeting_target', '')!r}, "
            f"total_volume {record.raw.get('total_volume', '')!r}")


def row_findings(record: StandardRecord) -> list[RowFinding]:
    """Data-quality findings of one row on its own (ids reused across rows are the importer's)."""
    found: list[tuple[str, str]] = []
    meeting, total = record.meeting, record.total
    if total is None:
        also = " and volume_meeting_target" if meeting is None else ""
        found.append((FindingCode.MISSING_VOLUME,
                      f"total_volume{also} blank (not reported): no performance, target met NA"))
    elif meeting is None:
        found.append((FindingCode.MISSING_MEETING_VOLUME,
                      f"volume_meeting_target blank (not reported) with total_volume {total}: "
                      f"no performance, target met NA"))
    if total == 0:
        extra = f"; volume_meeting_target is {meeting}" if meeting else ""
        found.append((FindingCode.ZERO_VOLUME,
                      f"total_volume is 0: performance not available (not 0%), target met "
                      f"NA{extra}"))
    if total and meeting is not None and meeting > total:
        found.append((FindingCode.PERFORMANCE_ABOVE_ONE,
                      f"volume_meeting_target {meeting} exceeds total_volume {total}: "
                      f"performance {record.performance}; no confidence interval"))
    if record.target is not None and record.target == 0:
        found.append((FindingCode.ZERO_TARGET,
                      "target is 0: taken as no target, target met NA (as published)"))
    if record.standard_id.upper() in PLACEHOLDER_IDS or any(c.isspace()
                                                            for c in record.standard_id):
        found.append((FindingCode.PLACEHOLDER_STANDARD_ID,
                      f"service_standard_id {record.standard_id!r} is not an identifier; kept "
                      f"as the standard's code"))
    if not same_number(record.published_performance, record.performance):
        found.append((FindingCode.PUBLISHED_PERFORMANCE_MISMATCH,
                      f"published performance {record.published_performance!r}, recomputed "
                      f"{record.performance!r} from {_figures(record)}"))
    published_met = record.published_target_met.strip().upper()
    if published_met != record.target_met:
        found.append((FindingCode.PUBLISHED_TARGET_MET_MISMATCH,
                      f"published target_met {record.published_target_met!r}, recomputed "
                      f"{record.target_met!r} (performance {record.performance!r}, target "
                      f"{record.raw.get('target', '')!r})"))
    return [RowFinding(record.line, record.key, code, message[:500]) for code, message in found]


# --- Export --------------------------------------------------------------------------------

def _kept(attributes: dict[str, Any], column: str, value: Any, text: str,
          decode=str.strip) -> str:
    """The original of a modelled column while it still decodes to the field's value."""
    original = attributes.get(column)
    if isinstance(original, str) and decode(original) == value:
        return original
    return text


def _type_decode(raw: str) -> str:
    return STANDARD_TYPES.get(raw.strip().upper(), "")


def _channel_decode(raw: str) -> str:
    return CHANNELS.get(raw.strip().upper(), "")


def _target_decode(raw: str) -> Decimal | None:
    return _target(raw, [])


def row_for_result(result) -> dict[str, str]:
    """A ComplianceResult (with version, standard, organization, service) as a layout row."""
    version = result.version
    standard = version.standard
    service = result.service
    organization = result.organization
    attributes = version.source_attributes or {}
    values = {column: str(attributes.get(column) or "") for column in COLUMNS
              if column not in MODELLED and column not in ORGANIZATION_COLUMNS}
    channel = result.channel or version.channel
    service_code = service.code if service else ""
    values.update(
        fiscal_yr=fiscal_year_label(result.period_start),
        service_id=_kept(attributes, "service_id", service_code, service_code),
        service_name_en=str(attributes.get("service_name_en",
                                           service.name_en if service else "")),
        service_name_fr=str(attributes.get("service_name_fr",
                                           service.name_fr if service else "")),
        service_standard_id=str(attributes.get("service_standard_id", standard.code)),
        service_standard_en=_kept(attributes, "service_standard_en", version.text_en,
                                  version.text_en),
        service_standard_fr=_kept(attributes, "service_standard_fr", version.text_fr,
                                  version.text_fr),
        type=_kept(attributes, "type", version.standard_type,
                   TYPE_CODES.get(version.standard_type, ""), _type_decode),
        channel=_kept(attributes, "channel", channel,
                      CHANNEL_CODES.get(channel, CHANNEL_CODES[Channel.OTHER]) if channel else "",
                      _channel_decode),
        target=_kept(attributes, "target", version.target_share,
                     format_target(version.target_share), _target_decode),
        volume_meeting_target="" if result.meeting is None else str(result.meeting),
        total_volume="" if result.total is None else str(result.total),
        performance=performance_text(result.meeting, result.total),
        target_met=result.target_met,
        owner_org=organization.code,
        owner_org_title=owner_title(organization),
    )
    return values
