"""The API's interaction endpoints: batches of records, imports and their rejects, in scope."""

import pytest
from django.test import Client

from outsidein.accounts.models import Role
from outsidein.accounts.services import api_token_create
from outsidein.interactions.selectors import interaction_store
from tests.factories import ministry, person, province

pytestmark = [pytest.mark.django_db, pytest.mark.urls("outsidein.interactions.tests.api_urls")]


def client_of(user) -> Client:
    _token, raw = api_token_create(user=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def world(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    root = province()
    health, transport = ministry(root, "health"), ministry(root, "transport")
    return {"lead": client_of(person("lead", health, Role.QUALITY_LEAD)),
            "analyst": client_of(person("analyst", health, Role.ANALYST)),
            "auditor": client_of(person("auditor", health, Role.AUDITOR)),
            "other": client_of(person("other", transport, Role.QUALITY_LEAD))}


def record(record_id, organization="health", **fields):
    return {"record_id": record_id, "channel": "online", "organization": organization,
            "submitted_at": "2025-03-03T09:00:00-05:00", **fields}


def test_a_batch_is_stored_and_its_rejects_come_back(world):
    batch = {"source": "portal", "records": [
        record("A1", completed_at="2025-03-04T10:00:00-05:00", fee_paid=45),
        record("A2", completed_at="2025-03-01T10:00:00-05:00"),   # completed before submitted
        record("A3", organization="transport"),                   # outside the caller's scope
        {"record_id": "A4", "channel": "online", "submitted_at": "2025-03-03T09:00:00Z"},
    ]}
    response = world["lead"].post("/api/interactions/batches", batch,
                                  content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["rows_read"], body["stored"], body["rejected"], body["status"]) == (
        4, 1, 3, "done")
    assert [(r["line"], r["field"]) for r in body["rejects"]] == [
        (2, "completed_at"), (3, "organization"), (4, "organization")]
    assert interaction_store().count() == 1
    again = world["lead"].post("/api/interactions/batches", batch,
                               content_type="application/json").json()
    assert (again["stored"], again["updated"]) == (0, 1)


def test_imports_are_read_by_those_who_made_them(world):
    made = world["lead"].post("/api/interactions/batches",
                              {"source": "portal", "records": [record("B1", due_at="x")]},
                              content_type="application/json").json()
    mine = world["lead"].get("/api/interactions/imports").json()
    assert [i["id"] for i in mine["items"]] == [made["id"]]
    detail = world["lead"].get(f"/api/interactions/imports/{made['id']}").json()
    assert (detail["rejected"], detail["source"]) == (1, "portal")
    rejects = world["lead"].get(f"/api/interactions/imports/{made['id']}/rejects").json()
    assert rejects["items"][0]["field"] == "due_at"
    assert world["other"].get(f"/api/interactions/imports/{made['id']}").status_code == 404


def test_a_role_that_cannot_import_records_cannot_send_a_batch(world):
    response = world["auditor"].post("/api/interactions/batches",
                                     {"source": "portal", "records": [record("C1")]},
                                     content_type="application/json")
    assert response.status_code == 403
    assert interaction_store().count() == 0


def test_the_shape_of_a_batch_is_checked(world):
    lead = world["lead"]
    empty = lead.post("/api/interactions/batches", {"source": "portal", "records": []},
                      content_type="application/json")
    assert empty.status_code == 422
    nested = lead.post("/api/interactions/batches",
                       {"source": "portal", "records": [{"record_id": {"a": 1}}]},
                       content_type="application/json")
    assert nested.status_code == 422
    unknown = lead.post("/api/interactions/batches",
                        {"source": "portal", "records": [record("D1")], "mapping": "nope"},
                        content_type="application/json")
    assert unknown.status_code == 422 and "mapping" in unknown.json()["error"]["fields"]
    unreadable = lead.post("/api/interactions/batches",
                           {"source": "portal", "records": [{"channel": "online"}]},
                           content_type="application/json")
    assert unreadable.status_code == 422
    assert "record_id" in unreadable.json()["error"]["fields"]["records"][0]
