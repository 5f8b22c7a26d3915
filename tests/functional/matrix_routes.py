"""The permission matrix's table: for every page (by route name) and every API operation (by
operation id), which object of a ministry it addresses, what it needs, and what a valid write
sends. test_permission_matrix.py fails on any route or operation missing here.

A `Ctx` names the actor and the ministry addressed (`side`: the world's `a` or `b`, see
tests/factories.example_world); parameter and payload builders read the objects of that side.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from outsidein.accounts import permissions as perm
from outsidein.interactions.forms import MappingForm
from outsidein.standards.forms import StandardVersionForm
from tests.factories import RECORD_MONTH, mapped

Ctx = SimpleNamespace  # world, side, actor (a user or None), own (the actor's side or None)
Builder = Callable[[Ctx], dict]

# What a route does with the people it serves.
STAFF = "staff"    # signed-in staff: anonymous visitors go to the sign-in page
API = "api"        # the JSON API: anonymous callers get 401
PUBLIC = "public"  # open to everyone, the same for everyone
OPEN = "open"      # open to everyone, not about any ministry's data (sign-in, language, docs)


@dataclass(frozen=True)
class Write:
    """A write a route accepts, with a valid payload for the side addressed."""

    method: str  # post, patch, put, delete
    permission: str
    payload: Builder
    body: str = "form"  # form (multipart), json
    own_ok: frozenset[int] = frozenset({302})  # what success looks like
    # What addressing the other ministry may answer: 404 for an object in the address, 422
    # for one named in the body; an upload or a batch is taken but its rows are refused.
    other_ok: frozenset[int] = frozenset({404})
    runs_tasks: bool = False  # the write queues a task (an import): run it at once
    touches_store: bool = False  # the write may change the interaction store
    # Whether the write took effect, for a caller who may make it (a page redirects either way).
    done: Callable[[Ctx], bool] | None = None


@dataclass(frozen=True)
class Route:
    kind: str
    params: Builder | None = None  # None: the route addresses no object of a ministry
    read_permission: str = perm.VIEW
    read: bool = True  # False: GET is refused (405), the route only takes writes
    writes: tuple[Write, ...] = ()
    answers: frozenset[int] = frozenset({200})  # what a GET answers whoever may read it
    # Filters of a list naming a ministry's objects: naming another's lists nothing of it.
    query: Builder | None = None


def _form_values(form) -> dict:
    """What a browser would send back for an unchanged form."""
    values = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list | tuple):
            values[name] = ",".join(str(v) for v in value)
        elif isinstance(value, dict):
            values[name] = json.dumps(value)
        elif value is None or value is False:
            continue
        else:
            values[name] = str(value) if not hasattr(value, "pk") else str(value.pk)
    return values


def _import_of(ctx: Ctx) -> int:
    """The actor's own import in its ministry when it made one, else the side's lead's."""
    actor_pk = getattr(ctx.actor, "pk", None)
    return ctx.side.imports.get(actor_pk, ctx.side.import_id)


def upload_rows(ctx: Ctx) -> str:
    office = ctx.side.office.code
    return ("record_id,channel,organization,service,submitted_at,completed_at\n"
            f"M-1,online,{office},{ctx.side.service.code},2025-05-06T09:00:00+00:00,"
            "2025-05-07T09:00:00+00:00\n")


def _upload(ctx: Ctx) -> dict:
    return {"file": SimpleUploadedFile("matrix.csv", upload_rows(ctx).encode(), "text/csv"),
            "source": "matrix-upload"}


def _resent_row(ctx: Ctx) -> dict:
    """One of the side's stored records sent again (its source and record id), from the
    caller's own office, with the columns named as the side's files name them. Replacing a
    record is for its owner's importers alone: from anyone else it must change nothing."""
    mine = ctx.own or ctx.side
    row = {**ctx.side.records[0], "organization": mine.office.code,
           "service": mine.service.code}
    return mapped([row], ctx.side.mapping.column_map)[0]


def _resent_upload(ctx: Ctx) -> dict:
    row = _resent_row(ctx)
    text = ",".join(row) + "\n" + ",".join("" if v is None else str(v) for v in row.values())
    return {"file": SimpleUploadedFile("resent.csv", f"{text}\n".encode(), "text/csv"),
            "source": ctx.side.source}


def _resent_batch(ctx: Ctx) -> dict:
    return {"source": ctx.side.source, "records": [_resent_row(ctx)]}


def _standard_edit(ctx: Ctx) -> dict:
    base = ctx.side.standard.versions.order_by("-number").first()
    values = _form_values(StandardVersionForm(instance=base))
    values.update(name_en=f"{values['name_en']} (revised)", change_note="matrix")
    return values


def _edit_and_publish(ctx: Ctx) -> dict:
    return {**_standard_edit(ctx), "publish": "on", "effective_from": "2026-01-01"}


def _mapping_new(ctx: Ctx) -> dict:
    # `organization` names the owner (by code) once mappings have one (ignored before).
    return {"name": "matrix-map", "source": "matrix-upload", "organization": ctx.side.org.code,
            "column_map": '{"Ref": "record_id"}', "constants": "{}",
            "time_zone": "America/Toronto"}


def _mapping_edit(ctx: Ctx) -> dict:
    values = _form_values(MappingForm(instance=ctx.side.mapping))
    values["constants"] = '{"exclusion_reason": "taken over"}'
    values["organization"] = ctx.side.org.code
    return values


def _batch(ctx: Ctx) -> dict:
    office = ctx.side.office.code
    return {"source": "matrix-batch", "records": [{
        "record_id": "MB-1", "channel": "online", "organization": office,
        "service": ctx.side.service.code, "submitted_at": "2025-05-06T09:00:00+00:00",
        "completed_at": "2025-05-07T09:00:00+00:00"}]}


def _standard_add(ctx: Ctx) -> dict:
    return {"service": ctx.side.service.pk, "code": "MX1", "name_en": "Matrix standard",
            "name_fr": "Norme de la matrice", "text_en": "We answer.", "text_fr": "Nous répondons.",
            "standard_type": "access", "unit": "none"}


def _imported(ctx: Ctx, source: str) -> bool:
    from outsidein.interactions.models import InteractionImport

    made = InteractionImport.objects.filter(source=source, by=ctx.actor).first()
    return made is not None and made.stored == 1


def _revised(ctx: Ctx) -> bool:
    return ctx.side.standard.versions.filter(name_en__endswith="(revised)").exists()


def _published(ctx: Ctx) -> bool:
    return not ctx.side.draft_standard.versions.filter(status="draft").exists()


def _undone(ctx: Ctx) -> bool:
    from outsidein.interactions.models import InteractionImport

    return InteractionImport.objects.get(pk=_import_of(ctx)).status == "undone"


def _mapping_saved(ctx: Ctx) -> bool:
    from outsidein.interactions.models import SourceMapping

    return SourceMapping.objects.filter(name="matrix-map").exists()


def _mapping_changed(ctx: Ctx) -> bool:
    ctx.side.mapping.refresh_from_db()
    return ctx.side.mapping.constants == {"exclusion_reason": "taken over"}


def _address(ctx: Ctx) -> dict:
    return {"version_id": ctx.side.version.pk, "organization": ctx.side.office.code,
            "period": f"{RECORD_MONTH:%Y-%m}"}


def _address_query(ctx: Ctx) -> dict:
    return {"service": ctx.side.service.slug, "channel": "online"}


def _standard(ctx): return {"pk": ctx.side.standard.pk}  # noqa: E704
def _draft(ctx): return {"pk": ctx.side.draft_standard.pk}  # noqa: E704
def _result(ctx): return {"pk": ctx.side.result_id}  # noqa: E704
def _import(ctx): return {"pk": _import_of(ctx)}  # noqa: E704


PAGE_ROUTES: dict[str, Route] = {
    # public pages and their redirect, in both languages
    "root": Route(PUBLIC, answers=frozenset({302})),
    "public:index": Route(PUBLIC),
    "public:service": Route(PUBLIC, params=lambda ctx: {"slug": ctx.side.service.slug}),
    "public:open_data": Route(PUBLIC),
    "public:open_data_csv": Route(PUBLIC),
    "public:open_data_json": Route(PUBLIC),
    # signing in and out, the language switch
    "accounts:login": Route(OPEN),
    "accounts:logout": Route(OPEN, read=False),
    # Changing one's password needs to be signed in (a write would sign the shared client out).
    "accounts:password_change": Route(STAFF),
    "accounts:password_change_done": Route(STAFF),
    "accounts:password_reset": Route(OPEN),
    "accounts:password_reset_done": Route(OPEN),
    "accounts:password_reset_confirm": Route(OPEN, params=lambda ctx: {
        "uidb64": "MQ", "token": "not-a-token"}),
    "accounts:password_reset_complete": Route(OPEN),
    "set_language": Route(OPEN, answers=frozenset({302}), writes=(
        Write("post", perm.VIEW, lambda ctx: {"language": "fr", "next": "/fr/"}),)),
    # staff: inventory, standards, calendars
    "staff:home": Route(STAFF),
    "staff:services": Route(STAFF, query=lambda ctx: {"organization": ctx.side.org.code,
                                                       "q": ctx.side.service.code}),
    "staff:service": Route(STAFF, params=lambda ctx: {"pk": ctx.side.service.pk}),
    "staff:standard": Route(STAFF, params=_standard),
    "staff:standard_edit": Route(STAFF, params=_standard, read_permission=perm.EDIT_STANDARDS,
                                 writes=(Write("post", perm.EDIT_STANDARDS, _standard_edit,
                                               done=_revised),
                                         # saving and publishing at once needs both rights
                                         Write("post", perm.PUBLISH_STANDARDS, _edit_and_publish,
                                               done=_revised))),
    "staff:standard_publish": Route(STAFF, params=_draft, read=False, writes=(
        Write("post", perm.PUBLISH_STANDARDS, lambda ctx: {}, done=_published),)),
    "staff:calendars": Route(STAFF),
    "staff:calendar": Route(STAFF, params=lambda ctx: {"pk": ctx.side.calendar.pk}),
    # staff: compliance
    "compliance:dashboard": Route(STAFF, query=lambda ctx: {
        "organization": ctx.side.office.code, "service": ctx.side.service.pk, "period": "month"}),
    "compliance:records": Route(STAFF, params=_address, query=_address_query),
    "compliance:records_csv": Route(STAFF, params=_address, query=_address_query),
    # links of before stable addresses redirect to the address while the row lasts
    "compliance:records_by_id": Route(STAFF, params=_result, answers=frozenset({302})),
    "compliance:records_csv_by_id": Route(STAFF, params=_result, answers=frozenset({302})),
    "compliance:at_risk": Route(STAFF, query=lambda ctx: {"organization": ctx.side.office.code,
                                                           "hours": 400}),
    # every record behind the results of a selection (a page, and its CSV or Parquet download)
    "compliance:evidence": Route(STAFF, query=lambda ctx: {"organization": ctx.side.office.code,
                                                            "period": "2025-05"}),
    "compliance:guarantees": Route(STAFF),
    "compliance:breaches": Route(STAFF, params=_standard),
    "compliance:breaches_csv": Route(STAFF, params=_standard),
    # staff: imports and saved mappings
    "interactions:imports": Route(STAFF, read_permission=perm.IMPORT_RECORDS),
    "interactions:new": Route(STAFF, read_permission=perm.IMPORT_RECORDS, writes=(
        # From another ministry the upload is refused by the form (200) or taken and its rows
        # refused (302 to the import): either way nothing of the other ministry changes.
        Write("post", perm.IMPORT_RECORDS, _upload, other_ok=frozenset({200, 302}),
              runs_tasks=True, touches_store=True,
              done=lambda ctx: _imported(ctx, "matrix-upload")),
        Write("post", perm.IMPORT_RECORDS, _resent_upload, other_ok=frozenset({200, 302}),
              runs_tasks=True, touches_store=True))),
    "interactions:detail": Route(STAFF, params=_import, read_permission=perm.IMPORT_RECORDS),
    "interactions:rejects_csv": Route(STAFF, params=_import,
                                      read_permission=perm.IMPORT_RECORDS),
    "interactions:undo": Route(STAFF, params=_import, read_permission=perm.IMPORT_RECORDS,
                               writes=(Write("post", perm.IMPORT_RECORDS, lambda ctx: {},
                                             touches_store=True, done=_undone),)),
    "interactions:mappings": Route(STAFF, read_permission=perm.IMPORT_RECORDS),
    "interactions:mapping_new": Route(STAFF, read_permission=perm.IMPORT_RECORDS, writes=(
        Write("post", perm.IMPORT_RECORDS, _mapping_new, other_ok=frozenset({200, 403, 404}),
              done=_mapping_saved),)),
    "interactions:mapping_edit": Route(
        STAFF, params=lambda ctx: {"pk": ctx.side.mapping.pk},
        read_permission=perm.IMPORT_RECORDS,
        writes=(Write("post", perm.IMPORT_RECORDS, _mapping_edit, done=_mapping_changed),)),
    # the API's own pages (its operations are below, by operation id)
    "api:api-root": Route(OPEN, answers=frozenset({404})),  # the API has no page of its own
    "api:docs-asset": Route(OPEN, params=lambda ctx: {"name": "swagger-ui.css"}),
    "api:openapi-json": Route(OPEN),
    "api:openapi-view": Route(OPEN),
    "api:not-found": Route(OPEN, answers=frozenset({404})),
}

# The admin site is for superusers only: every address under /admin/ (whatever models are
# registered) sends other people to the admin's sign-in page; test_permission_matrix.py checks
# each one as each persona.
ADMIN_NAMESPACE = "admin"

OPERATIONS: dict[str, Route] = {
    "organization_list": Route(API),
    "organization_detail": Route(API, params=lambda ctx: {"code": ctx.side.org.code}),
    "service_list": Route(API, query=lambda ctx: {"organization": ctx.side.org.code}),
    "service_add": Route(API, writes=(Write(
        "post", perm.EDIT_SERVICES, body="json", own_ok=frozenset({201}),
        other_ok=frozenset({422}),
        payload=lambda ctx: {"organization": ctx.side.org.code, "code": "MX1",
                             "name_en": "Matrix service", "name_fr": "Service de la matrice"}),)),
    "service_detail": Route(API, params=lambda ctx: {"service_id": ctx.side.service.pk}),
    "service_change": Route(API, params=lambda ctx: {"service_id": ctx.side.service.pk},
                            read=False, writes=(Write(
                                "patch", perm.EDIT_SERVICES, body="json", own_ok=frozenset({200}),
                                payload=lambda ctx: {"name_en": "Renamed by the matrix"}),)),
    "standard_list": Route(API, query=lambda ctx: {"service": ctx.side.service.pk,
                                                   "organization": ctx.side.org.code}),
    "standard_add": Route(API, writes=(Write(
        "post", perm.EDIT_STANDARDS, _standard_add, body="json", own_ok=frozenset({201}),
        other_ok=frozenset({422})),)),
    "standard_detail": Route(API, params=lambda ctx: {"standard_id": ctx.side.standard.pk}),
    "standard_change": Route(API, params=lambda ctx: {"standard_id": ctx.side.standard.pk},
                             read=False, writes=(Write(
                                 "patch", perm.EDIT_STANDARDS, body="json",
                                 own_ok=frozenset({200}),
                                 payload=lambda ctx: {"target_share": "0.85"}),)),
    "standard_versions": Route(API, params=lambda ctx: {"standard_id": ctx.side.standard.pk}),
    "standard_publish_draft": Route(
        API, params=lambda ctx: {"standard_id": ctx.side.draft_standard.pk}, read=False,
        writes=(Write("post", perm.PUBLISH_STANDARDS, body="json", own_ok=frozenset({200}),
                      payload=lambda ctx: {"effective_from": str(dt.date(2026, 1, 1))}),)),
    # A batch naming another ministry's office is taken (201) with every record refused.
    "batch_import": Route(API, read=False, writes=(Write(
        "post", perm.IMPORT_RECORDS, _batch, body="json", own_ok=frozenset({201}),
        other_ok=frozenset({201, 422}), touches_store=True),
        Write("post", perm.IMPORT_RECORDS, _resent_batch, body="json", own_ok=frozenset({201}),
              other_ok=frozenset({201, 422}), touches_store=True))),
    "compliance_records": Route(API, query=lambda ctx: {"organization": ctx.side.office.code,
                                                        "period": "2025-05"}),
    "import_index": Route(API),
    "import_detail": Route(API, params=lambda ctx: {"import_id": _import_of(ctx)},
                           read_permission=perm.IMPORT_RECORDS),
    "import_rejects": Route(API, params=lambda ctx: {"import_id": _import_of(ctx)},
                            read_permission=perm.IMPORT_RECORDS),
}
