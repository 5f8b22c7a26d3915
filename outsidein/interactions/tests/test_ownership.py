"""Ownership on every write: one ministry can neither take over another ministry's records nor
see, change or use its saved mappings (the two critical findings of the security review)."""

import re

import pyarrow as pa
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from outsidein.accounts.services import api_token_create
from outsidein.common.models import AuditEntry
from outsidein.interactions.models import InteractionImport, SourceMapping, SourceSystem
from outsidein.interactions.selectors import import_reject_list, interaction_store
from outsidein.interactions.services import (
    HELD_ELSEWHERE,
    interactions_import,
    interactions_import_records,
    source_mapping_create,
)
from outsidein.standards.models import Service

pytestmark = pytest.mark.django_db
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
HEADER = "record_id,channel,organization,call_started,answered,rings\n"


@pytest.fixture
def world(province_world, tmp_path):
    """The shared world, where the province's own source system ("demo") holds a call
    answered by Transportation's office."""
    path = tmp_path / "demo.csv"
    path.write_text(HEADER + "T-1,telephone,transport-south,2025-03-03 09:00,"
                             "2025-03-03 09:00:12,2\n")
    interactions_import(path=path, source="demo")
    return province_world


def stored(record_id: str) -> dict:
    table = interaction_store().table(["record_id", "organization", "rings"])
    rows = [r for r in table.to_pylist() if r["record_id"] == record_id]
    assert len(rows) == 1, rows
    return rows[0]


def takeover_csv() -> SimpleUploadedFile:
    row = "T-1,telephone,health,2025-03-03 09:00,2025-03-03 09:10:00,9\n"
    return SimpleUploadedFile("takeover.csv", (HEADER + row).encode(), "text/csv")


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# ---- records --------------------------------------------------------------------------------

@pytest.mark.parametrize("dry_run", [True, False])
def test_another_ministrys_source_cannot_be_imported_under_from_the_staff_page(
        world, client, django_capture_on_commit_callbacks, dry_run):
    client.force_login(world.lead)
    with override_settings(TASKS=IMMEDIATE_TASKS), \
            django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staff/imports/new/", {
            "file": takeover_csv(), "source": "demo", "dry_run": "on" if dry_run else ""})
    assert response.status_code == 200
    # The refusal is about the source name, the same for a dry run: nothing of the record.
    assert "belongs to an organization you may not import for" in text_of(response)
    assert "T-1" not in text_of(response) and "Updated" not in text_of(response)
    assert stored("T-1") == {"record_id": "T-1", "organization": "transport-south", "rings": 2}
    assert not InteractionImport.objects.filter(by=world.lead).exists()


@pytest.mark.parametrize("dry_run", [True, False])
def test_another_ministrys_source_cannot_be_written_through_the_api(world, client, dry_run):
    _, raw = api_token_create(user=world.lead, name="script")
    response = client.post("/api/interactions/batches", content_type="application/json",
                           headers={"Authorization": f"Bearer {raw}"},
                           data={"source": "demo", "dry_run": dry_run, "records": [{
                               "record_id": "T-1", "channel": "telephone",
                               "organization": "health", "call_started": "2025-03-03 09:00",
                               "answered": "2025-03-03 09:10", "rings": 9}]})
    assert response.status_code == 422
    assert "belongs to an organization you may not import for" in response.content.decode()
    assert stored("T-1")["organization"] == "transport-south"


def test_the_same_record_id_under_a_source_of_ones_own_is_another_record(world, client):
    report = interactions_import_records(
        records=[{"record_id": "T-1", "channel": "telephone", "organization": "health",
                  "call_started": "2025-03-03 09:00", "answered": "2025-03-03 09:10"}],
        source="health-acd", by=world.lead, organizations=["health"])
    assert (report.stored, report.updated, report.rejected) == (1, 0, 0)
    assert SourceSystem.objects.get(name="health-acd").organization == world.health
    organizations = sorted(r["organization"] for r in interaction_store().table(
        ["record_id", "organization"]).to_pylist() if r["record_id"] == "T-1")
    assert organizations == ["health", "transport-south"]


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_record_held_outside_the_scope_is_refused_with_a_reason_that_names_nothing(
        world, dry_run):
    # A record another ministry holds under a source this one owns (as data imported before
    # sources had owners may be): the import must not change it, and says only that.
    SourceSystem.objects.create(name="shared-acd", organization=world.health)
    interaction_store().write_batch(pa.table({
        "source": ["shared-acd"], "record_id": ["X-1"], "channel": ["telephone"],
        "organization": ["transport-south"], "rings": [3],
        "call_started_at": pa.array([1741010400], pa.int64()).cast(pa.timestamp("s", "UTC"))}),
        import_id=999)
    report = interactions_import_records(
        records=[{"record_id": "X-1", "channel": "telephone", "organization": "health",
                  "call_started": "2025-03-03 09:00", "answered": "2025-03-03 09:10"},
                 {"record_id": "X-2", "channel": "telephone", "organization": "health",
                  "call_started": "2025-03-03 09:00", "answered": "2025-03-03 09:10"}],
        source="shared-acd", by=world.lead, organizations=["health"], dry_run=dry_run)
    assert (report.rows_read, report.stored, report.updated, report.rejected) == (2, 1, 0, 1)
    assert report.reconciles
    [problem] = import_reject_list(InteractionImport.objects.get(pk=report.import_id))
    assert (problem.line, problem.field, problem.value) == (1, "record_id", "X-1")
    assert problem.reason == HELD_ELSEWHERE and "transport" not in problem.reason
    assert stored("X-1") == {"record_id": "X-1", "organization": "transport-south", "rings": 3}


def test_records_must_name_organizations_of_the_sources_owner(world):
    interactions_import_records(
        records=[{"record_id": "H-1", "channel": "telephone", "organization": "health",
                  "call_started": "2025-03-03 09:00", "answered": "2025-03-03 09:10"}],
        source="health-acd", by=world.lead, organizations=["health"])
    # A superuser-like caller (no scope) still writes only within the owner's subtree.
    report = interactions_import_records(
        records=[{"record_id": "H-2", "channel": "telephone", "organization": "transport",
                  "call_started": "2025-03-03 09:00", "answered": "2025-03-03 09:10"}],
        source="health-acd")
    assert report.rejected == 1 and report.stored == 0


def test_undo_needs_rights_over_the_sources_owner(world, client):
    report = interactions_import_records(
        records=[{"record_id": "H-1", "channel": "telephone", "organization": "health",
                  "call_started": "2025-03-03 09:00", "answered": "2025-03-03 09:10"}],
        source="health-acd", by=world.lead, organizations=["health"])
    client.force_login(world.transport_lead)
    assert client.post(f"/staff/imports/{report.import_id}/undo/").status_code == 404
    assert InteractionImport.objects.get(pk=report.import_id).status == "done"


def test_imports_are_seen_by_everyone_who_may_import_for_the_owner(world, client):
    report = interactions_import_records(
        records=[{"record_id": "H-1", "channel": "telephone", "organization": "health",
                  "call_started": "2025-03-03 09:00", "answered": "2025-03-03 09:10"}],
        source="health-acd", by=world.lead, organizations=["health"])
    analyst = world.analyst
    client.force_login(analyst)
    assert client.get(f"/staff/imports/{report.import_id}/").status_code == 200
    client.force_login(world.transport_lead)
    assert client.get(f"/staff/imports/{report.import_id}/").status_code == 404


# ---- saved mappings -------------------------------------------------------------------------

@pytest.fixture
def transport_mapping(world):
    return source_mapping_create(name="transport-acd", source="transport-acd",
                                 organization=world.transport,
                                 column_map={"Call ID": "record_id"})


def test_another_ministrys_mapping_cannot_be_listed_opened_or_changed(world, client,
                                                                      transport_mapping):
    client.force_login(world.lead)
    assert "transport-acd" not in client.get("/staff/imports/mappings/").content.decode()
    url = f"/staff/imports/mappings/{transport_mapping.pk}/edit/"
    assert client.get(url).status_code == 404
    response = client.post(url, {"organization": "health", "source": "transport-acd",
                                 "column_map": '{"Call ID": "record_id"}',
                                 "constants": '{"exclusion_reason": "system outage"}',
                                 "time_zone": "America/Toronto"})
    assert response.status_code == 404
    transport_mapping.refresh_from_db()
    assert transport_mapping.constants == {}
    assert transport_mapping.organization == world.transport
    assert "transport-acd" not in client.get("/staff/imports/new/").content.decode()


def test_another_ministrys_mapping_cannot_be_used_by_name(world, client, transport_mapping):
    _, raw = api_token_create(user=world.lead, name="script")
    response = client.post("/api/interactions/batches", content_type="application/json",
                           headers={"Authorization": f"Bearer {raw}"},
                           data={"source": "health-acd", "mapping": "transport-acd",
                                 "records": [{"Call ID": "H-1"}]})
    assert response.status_code == 422
    assert "No saved mapping named" in response.content.decode()
    assert "transport-acd" not in response.content.decode().split("saved:")[-1]


def test_a_mapping_cannot_be_given_away_to_an_organization_out_of_scope(world, client):
    mapping = source_mapping_create(name="health-acd", source="health-acd",
                                    organization=world.health)
    client.force_login(world.lead)
    response = client.post(f"/staff/imports/mappings/{mapping.pk}/edit/", {
        "organization": "transport", "source": "health-acd", "time_zone": "America/Toronto"})
    assert response.status_code == 200  # the choice is not offered: a field error
    mapping.refresh_from_db()
    assert mapping.organization == world.health


def test_mapping_changes_are_audited_with_before_and_after(world, client):
    mapping = source_mapping_create(name="health-acd", source="health-acd",
                                    organization=world.health, by=world.lead)
    client.force_login(world.lead)
    client.post(f"/staff/imports/mappings/{mapping.pk}/edit/", {
        "organization": "health", "source": "health-acd",
        "constants": '{"exclusion_reason": "system outage"}', "time_zone": "America/Toronto"})
    entry = AuditEntry.objects.get(action="source_mapping.update")
    assert entry.actor == world.lead
    assert entry.changes["constants"] == [{}, {"exclusion_reason": "system outage"}]


def test_the_command_line_names_the_owner_of_a_new_source(world, tmp_path):
    path = tmp_path / "h.csv"
    path.write_text(HEADER + "H-9,telephone,health,2025-03-03 09:00,2025-03-03 09:00:12,2\n")
    interactions_import(path=path, source="health-ivr", organization="health")
    assert SourceSystem.objects.get(name="health-ivr").organization == world.health
    assert SourceMapping.objects.count() == 0


def test_an_analysts_token_sends_records_but_changes_no_service_or_standard(world, client):
    analyst = world.analyst
    _, raw = api_token_create(user=analyst, name="loader")
    auth = {"Authorization": f"Bearer {raw}"}
    sent = client.post("/api/interactions/batches", content_type="application/json",
                       headers=auth, data={"source": "health-acd", "records": [{
                           "record_id": "H-1", "channel": "telephone", "organization": "health",
                           "call_started": "2025-03-03 09:00", "answered": "2025-03-03 09:10"}]})
    assert sent.status_code == 201 and sent.json()["stored"] == 1
    added = client.post("/api/services", content_type="application/json", headers=auth,
                        data={"organization": "health", "code": "H9", "name_en": "Licence",
                              "name_fr": "Permis"})
    assert added.status_code == 403
    assert not Service.objects.filter(code="H9").exists()
