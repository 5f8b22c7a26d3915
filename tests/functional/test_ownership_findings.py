"""The two critical findings of the Outside-In security review, reproduced as a user would.

1. Record takeover: a record's identity was (source, record_id) alone, so a quality lead of
   ministry A who sends a row with ministry B's source name and one of B's record ids, naming
   A's own office, learnt from a dry run that the record exists and, for real, moved B's record
   into A's office, changing B's compliance figures.
2. Saved mappings belonged to nobody: ministry A's lead could list, open, edit and use
   ministry B's saved column mapping, e.g. set a constant exclusion reason that then excluded
   every record of B's next import.

Each test asserts the right behaviour (decision 15: saved configuration belongs to an
organization; imports check the current owner of the records they replace).
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from outsidein.compliance.services import compliance_run
from outsidein.interactions.models import InteractionImport, SourceMapping
from outsidein.interactions.services import interactions_import_records
from tests import factories
from tests.functional.scope_snapshot import ministry_records, ministry_snapshot

pytestmark = pytest.mark.django_db
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def lead(example_world) -> Client:
    """Ministry A's quality lead, signed in."""
    client = Client()
    client.force_login(example_world.a.lead)
    return client


@pytest.fixture
def lead_api(example_world) -> Client:
    """Ministry A's quality lead, calling the API with a token."""
    return factories.token_client(example_world.a.lead)


def b_records(example_world) -> list[tuple]:
    """Every record stored for one of ministry B's organizations."""
    codes = {example_world.b.org.code, example_world.b.office.code}
    return ministry_records(codes=codes, sources=set())


def b_figures(example_world) -> list[tuple]:
    return ministry_snapshot(example_world.b.org, sources={example_world.b.source}, records=False)["results"]


# ---- 1. record takeover ---------------------------------------------------------------------

def takeover_rows(example_world, record_id: str) -> list[dict]:
    """One row naming B's source and a record id, but A's own office; as B's files name their
    columns (B's mapping) and as the canonical fields are named."""
    row = {"channel": "online", "service": example_world.a.service.code,
           "submitted_at": "2025-05-05T09:01:00+00:00",
           "completed_at": "2025-05-05T09:30:00+00:00"}
    return [{**row, "Reference": record_id, "Office": example_world.a.office.code},
            {**row, "record_id": record_id, "organization": example_world.a.office.code}]


def csv_of(row: dict) -> SimpleUploadedFile:
    header = ",".join(row)
    return SimpleUploadedFile("takeover.csv", f"{header}\n{','.join(map(str, row.values()))}\n"
                              .encode(), "text/csv")


def upload(client, django_capture_on_commit_callbacks, row, *, source, dry_run):
    data = {"file": csv_of(row), "source": source}
    if dry_run:
        data["dry_run"] = "on"
    last = InteractionImport.objects.order_by("-pk").values_list("pk", flat=True).first()
    with override_settings(TASKS=IMMEDIATE_TASKS), \
            django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staff/imports/new/", data)
    assert response.status_code in (200, 302)
    # None when the form refused the upload
    return InteractionImport.objects.filter(pk__gt=last or 0).first()


def outcome(record: InteractionImport | None, record_id: str) -> tuple:
    """What an import tells its maker, with the record id taken out."""
    if record is None:
        return ("refused",)
    from outsidein.interactions.selectors import import_reject_list

    return (record.status, record.rows_read, record.stored, record.updated, record.rejected,
            [(r.field, r.reason.replace(record_id, "<id>")) for r in import_reject_list(record)],
            record.error.replace(record_id, "<id>"))


def test_a_dry_run_does_not_reveal_that_another_ministrys_record_exists(
        example_world, lead, lead_api, django_capture_on_commit_callbacks):
    existing, unknown = example_world.b.records[0]["record_id"], "T-999"
    for row_of in (lambda rid: takeover_rows(example_world, rid)[0],
                   lambda rid: takeover_rows(example_world, rid)[1]):
        pages = [outcome(upload(lead, django_capture_on_commit_callbacks, row_of(rid),
                                source=example_world.b.source, dry_run=True), rid)
                 for rid in (existing, unknown)]
        assert pages[0] == pages[1]
        answers = []
        for rid in (existing, unknown):
            response = lead_api.post("/api/interactions/batches", {
                "source": example_world.b.source, "dry_run": True, "records": [row_of(rid)]},
                content_type="application/json")
            body = response.json()
            answers.append((response.status_code, body.get("stored"), body.get("updated"),
                            body.get("rejected"),
                            str(body.get("rejects", body.get("error"))).replace(rid, "<id>")))
        assert answers[0] == answers[1]


def test_an_import_cannot_take_over_another_ministrys_record(
        example_world, lead, lead_api, django_capture_on_commit_callbacks):
    records, figures = b_records(example_world), b_figures(example_world)
    target = example_world.b.records[0]["record_id"]
    for row in takeover_rows(example_world, target):
        upload(lead, django_capture_on_commit_callbacks, row, source=example_world.b.source,
               dry_run=False)
        lead_api.post("/api/interactions/batches",
                      {"source": example_world.b.source, "records": [row]},
                      content_type="application/json")
    compliance_run()
    assert b_records(example_world) == records  # B's record is where B put it, as B sent it
    assert b_figures(example_world) == figures


# ---- 2. saved mappings ----------------------------------------------------------------------

def test_a_lead_can_neither_list_nor_open_another_ministrys_mapping(example_world, lead):
    listing = lead.get("/staff/imports/mappings/").content.decode()
    assert example_world.a.mapping.name in listing
    assert example_world.b.mapping.name not in listing
    assert example_world.b.mapping.name not in lead.get("/staff/imports/new/").content.decode()
    assert lead.get(f"/staff/imports/mappings/{example_world.b.mapping.pk}/edit/").status_code == 404


def test_a_lead_cannot_change_another_ministrys_mapping_and_its_next_import_is_whole(
        example_world, lead):
    mapping = example_world.b.mapping
    response = lead.post(f"/staff/imports/mappings/{mapping.pk}/edit/", {
        "source": mapping.source, "column_map": '{"Reference": "record_id", "Office": '
        '"organization"}', "constants": '{"exclusion_reason": "taken over"}',
        "time_zone": mapping.time_zone})
    assert response.status_code == 404
    mapping.refresh_from_db()
    assert mapping.constants == {}
    # B's next import reads as before: every record counted, none excluded.
    rows = factories.online_records(example_world.b.office.code, example_world.b.service.code, "T2",
                                    day=dt.date(2025, 6, 2))
    report = interactions_import_records(
        records=factories.mapped(rows, mapping.column_map), source=example_world.b.source,
        by=example_world.b.lead, organizations=[example_world.b.org.code, example_world.b.office.code])
    record = InteractionImport.objects.get(pk=report.import_id)
    assert (record.stored, record.rejected, record.excluded) == (len(rows), 0, 0)


def test_a_lead_cannot_import_with_another_ministrys_mapping(example_world, lead, lead_api):
    row = {"Reference": "A-1", "Office": example_world.a.office.code, "channel": "online",
           "service": example_world.a.service.code, "submitted_at": "2025-05-05T09:01:00+00:00",
           "completed_at": "2025-05-05T09:30:00+00:00"}
    response = lead_api.post("/api/interactions/batches", {
        "source": "health-letters", "mapping": example_world.b.mapping.name, "records": [row]},
        content_type="application/json")
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["mapping"]
    response = lead.post("/staff/imports/new/", {"file": csv_of(row), "source": "health-letters",
                                                 "mapping": example_world.b.mapping.pk})
    assert response.status_code == 200  # the form again: B's mapping is not a choice
    assert not InteractionImport.objects.filter(mapping=example_world.b.mapping,
                                                by=example_world.a.lead).exists()
    assert SourceMapping.objects.filter(pk=example_world.b.mapping.pk).exists()
