"""Compliance evidence: every record behind the results of a selection, a page at a time."""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from outsidein.api.errors import ErrorOut
from outsidein.api.pagination import MAX_LIMIT, MAX_OFFSET
from outsidein.api.schemas import Id, Text
from outsidein.compliance.engine.periods import parse_period
from outsidein.compliance.selectors import evidence as evidence_reads

router = Router(tags=["compliance"])
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class RecordFilters(Schema):
    organization: Text = Field("", max_length=64,
                               description="Organization code (its subtree is included).")
    standard: Id | None = Field(None, description="A standard's id.")
    service: Id | None = Field(None, description="A service's id: records counted under its code.")
    channel: Text = Field("", max_length=16, description="A record channel (blank: every one).")
    period: Text = Field("", max_length=16,
                         description="2025-06, 2025-Q2, FY2025-26, 2025 or 2025-06-02 "
                                     "(blank: the current fiscal year).")
    status: Literal["", "met", "missed", "excluded", "pending"] = Field(
        "", description="An outcome (excluded includes records whose measure is missing).")
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description="Records per page.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Records to skip.")


class EvidenceRecordOut(Schema):
    standard: str
    version: int
    organization: str
    service: str | None
    channel: str
    source: str
    record_id: str
    start_date: dt.date
    status: str = Field(description="met, missed, pending, excluded or unrecorded.")
    exclusion_reason: str | None
    elapsed: float | None = Field(description="In `unit`, for records whose clock stopped.")
    unit: str
    started_at: dt.datetime | None
    stopped_at: dt.datetime | None
    due_at: dt.datetime | None = Field(description="The record's own due time, if it has one.")


class EvidencePage(Schema):
    items: list[EvidenceRecordOut]
    count: int = Field(description="Records of the whole selection.")
    period: str


class _OutOfScope(Exception):
    """A filter names something outside the caller's scope: the selection lists nothing."""


def _picked(items, pk):
    found = next((i for i in items if i.pk == pk), None) if pk is not None else None
    if pk is not None and found is None:
        raise _OutOfScope
    return found


@router.get("/records", response={200: EvidencePage, **READ_ERRORS},
            summary="Records behind results, with their outcomes")
def compliance_records(request, filters: Query[RecordFilters]):
    """Every record the stored results of the selection counted, each with its outcome,
    elapsed time, due time and exclusion reason, in the order of the staff download.
    A filter naming anything outside your scope lists nothing, as other lists do."""
    choices = evidence_reads.evidence_choices(request.auth)
    try:
        period = (parse_period(filters.period) if filters.period
                  else evidence_reads.current_fiscal_year())
    except ValueError:
        raise ValidationError({"period": _(
            "Enter a period such as 2025-06, 2025-Q2, FY2025-26, 2025 or 2025-06-02.")}) from None
    try:
        organization = None
        if filters.organization:
            organization = next((o for o in choices.organizations
                                 if o.code == filters.organization), None)
            if organization is None:
                raise _OutOfScope
        selection = evidence_reads.Selection(
            period=period, organization=organization,
            standard=_picked(choices.standards, filters.standard),
            service=_picked(choices.services, filters.service),
            channel=filters.channel, status=filters.status)
    except _OutOfScope:
        return {"items": [], "count": 0, "period": period.label}
    found = evidence_reads.evidence_for_user(request.auth, selection)
    count, table = evidence_reads.evidence_page(found, selection, offset=filters.offset,
                                                limit=filters.limit)
    return {"items": table.to_pylist(), "count": count, "period": period.label}
