"""Interaction records: send a batch of records, read imports and their rejects."""

import dataclasses
import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, Field, StringConstraints

from outsidein.api.errors import ErrorOut, Forbidden
from outsidein.api.pagination import Page
from outsidein.api.schemas import Id, Input, Text
from outsidein.interactions.models import InteractionImport
from outsidein.interactions.selectors import (
    import_for_user,
    import_reject_list,
    import_scope,
    imports_for_user,
)
from outsidein.interactions.services import ImportFailed, interactions_import_records

router = Router(tags=["interactions"])
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
MAX_RECORDS = 10_000
MAX_REJECTS = 100_000  # listed by the API; the report file holds every one
# A record: field (or mapped column) -> value, as a file's row would hold it.
Value = Annotated[str, StringConstraints(max_length=1000)] | int | float | bool | None
Record = dict[Annotated[str, StringConstraints(min_length=1, max_length=100)], Value]


class BatchIn(Input):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "source": "licence-portal",
        "records": [{"record_id": "A-10293", "channel": "online", "organization": "pex-health",
                     "service": "H1", "submitted_at": "2025-03-03T09:14:00-05:00",
                     "completed_at": "2025-03-05T16:02:00-05:00", "fee_paid": 45.0,
                     "tier": "regular", "guarantee_eligible": True}],
    }]})

    source: Text = Field(min_length=1, max_length=64,
                         description="The source system; with record_id, a record's identity.")
    mapping: Text | None = Field(None, max_length=64,
                                 description="A saved column mapping, by name (default: the "
                                             "source's only mapping, else canonical names).")
    organization: Text | None = Field(
        None, max_length=64,
        description="Code of the organization that owns the source system; needed only the "
                    "first time a source is used, by someone who may import for several.")
    dry_run: bool = Field(False, description="Check and count, store nothing.")
    records: list[Record] = Field(min_length=1, max_length=MAX_RECORDS,
                                  description="Records as objects of field → value.")


class RejectOut(Schema):
    line: int = Field(description="Position of the record in the batch, or line of the file.")
    field: str
    value: str
    reason: str


class ImportOut(Schema):
    id: int
    source: str
    file_name: str
    file_format: str
    status: str
    dry_run: bool
    rows_read: int
    stored: int
    updated: int
    rejected: int
    excluded: int
    excluded_by_reason: dict[str, int]
    progress: float
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    undone_at: dt.datetime | None
    error: str


class BatchOut(ImportOut):
    rejects: list[RejectOut] = Field(description="Every problem of the refused records.")


def _import_or_404(user, import_id: int) -> InteractionImport:
    return import_for_user(user, import_id)


@router.post("/batches", response={201: BatchOut, **WRITE_ERRORS},
             summary="Import a batch of records")
def batch_import(request, payload: BatchIn):
    """Check and store records sent as objects, as one import (at most 10,000 a batch).

    Every record must name an organization for which you may import records. Refused records
    come back with the line (position in the batch), field, value and reason of each problem;
    the others are stored. Sending a record again (same source and record_id) replaces it. A
    source system belongs to one organization: only those who may import for it use its name.
    """
    codes = import_scope(request.auth)  # the same rule as uploads on the staff pages
    if codes == []:
        raise Forbidden(_("Your role does not allow importing records."))
    try:
        report = interactions_import_records(
            records=payload.records, source=payload.source, mapping=payload.mapping,
            by=request.auth, dry_run=payload.dry_run, organizations=codes,
            organization=payload.organization)
    except ImportFailed as exc:
        # The batch as a whole cannot be read (no record_id, no channel, no event).
        raise ValidationError({"records": [str(exc)]}) from None
    record = InteractionImport.objects.get(pk=report.import_id)
    return Status(201, {**_import_fields(record), "rejects": _rejects(record)})


@router.get("/imports", response={200: list[ImportOut], 401: ErrorOut, 422: ErrorOut},
            summary="Your imports")
@paginate(Page)
def import_index(request):
    """Imports you made, newest first (files, batches and queued uploads)."""
    return imports_for_user(request.auth)


@router.get("/imports/{import_id}", response={200: ImportOut, **READ_ERRORS},
            summary="One import")
def import_detail(request, import_id: Id):
    """An import's status, progress and counts (rows read = stored + updated + rejected)."""
    return _import_or_404(request.auth, import_id)


@router.get("/imports/{import_id}/rejects", response={200: list[RejectOut], **READ_ERRORS},
            summary="Rejects of an import")
@paginate(Page)
def import_rejects(request, import_id: Id):
    """The problems of an import's refused rows, in file order (the first 100,000)."""
    return _rejects(_import_or_404(request.auth, import_id))


def _import_fields(record: InteractionImport) -> dict:
    return {name: getattr(record, name) for name in ImportOut.model_fields}


def _rejects(record: InteractionImport) -> list[dict]:
    return [dataclasses.asdict(r) for r in import_reject_list(record, limit=MAX_REJECTS)]
