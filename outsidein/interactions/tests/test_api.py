"""The API's interaction endpoints: batches of records, imports and their rejects, in scope."""

import pytest

from outsidein.interactions.selectors import interaction_store
from tests.factories import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(province_world):
    """API clients holding tokens of Health's lead, analyst and auditor, and Transport's lead
    (`other`); they call the project's own API at /api/."""
    w = province_world
    return {"lead": token_client(w.lead), "analyst": token_client(w.analyst),
            "auditor": token_client(w.auditor), "other": token_client(w.transport_lead)}


def record(record_id, organization="health", **fields):
    return {"record_id": record_id, "channel": "online", "organization": organization,
            "submitted_at": "2025-03-03T09:00:00-05:00", **fields}


def test_a_batch_is_stored_and_its_rejects_come_back(clients):
    batch = {"source": "portal", "records": [
        record("A1", completed_at="2025-03-04T10:00:00-05:00", fee_paid=45),
        record("A2", completed_at="2025-03-01T10:00:00-05:00"),   # completed before submitted
        record("A3", organization="transport"),                   # outside the caller's scope
        {"record_id": "A4", "channel": "online", "submitted_at": "2025-03-03T09:00:00Z"},
    ]}
    response = clients["lead"].post("/api/interactions/batches", batch,
                                  content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["rows_read"], body["stored"], body["rejected"], body["status"]) == (
        4, 1, 3, "done")
    assert [(r["line"], r["field"]) for r in body["rejects"]] == [
        (2, "completed_at"), (3, "organization"), (4, "organization")]
    assert interaction_store().count() == 1
    again = clients["lead"].post("/api/interactions/batches", batch,
                               content_type="application/json").json()
    assert (again["stored"], again["updated"]) == (0, 1)


def test_imports_are_read_by_those_who_made_them(clients):
    made = clients["lead"].post("/api/interactions/batches",
                              {"source": "portal", "records": [record("B1", due_at="x")]},
                              content_type="application/json").json()
    mine = clients["lead"].get("/api/interactions/imports").json()
    assert [i["id"] for i in mine["items"]] == [made["id"]]
    detail = clients["lead"].get(f"/api/interactions/imports/{made['id']}").json()
    assert (detail["rejected"], detail["source"]) == (1, "portal")
    rejects = clients["lead"].get(f"/api/interactions/imports/{made['id']}/rejects").json()
    assert rejects["items"][0]["field"] == "due_at"
    assert clients["other"].get(f"/api/interactions/imports/{made['id']}").status_code == 404


def test_a_role_that_cannot_import_records_cannot_send_a_batch(clients):
    response = clients["auditor"].post("/api/interactions/batches",
                                     {"source": "portal", "records": [record("C1")]},
                                     content_type="application/json")
    assert response.status_code == 403
    assert interaction_store().count() == 0


def test_the_shape_of_a_batch_is_checked(clients):
    lead = clients["lead"]
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
