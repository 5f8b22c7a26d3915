"""The service inventory through the API: search, pages, add, change, and refusals."""

import pytest

from outsidein.common.audit import audit_trail
from outsidein.standards.models import Service
from tests import factories

pytestmark = pytest.mark.django_db

NEW = {"organization": "health", "code": "H9", "name_en": "Organ donor registration",
       "name_fr": "Inscription au don d'organes", "channels": ["online"],
       "has_fee": True, "fee_amount": "12.50"}


def post(client, url, body, **extra):
    return client.post(url, body, content_type="application/json", **extra)


def patch(client, url, body, **extra):
    return client.patch(url, body, content_type="application/json", **extra)


def test_list_is_ordered_and_paginated(world, lead):
    for n in range(5):
        factories.service(world.health, code=f"A{n}", name_en=f"Adoption record {n}",
                          name_fr=f"Dossier d'adoption {n}")
    first = lead.get("/api/services?limit=3").json()
    second = lead.get("/api/services?limit=3&offset=3").json()
    assert first["count"] == second["count"] == 7
    names = [s["name_en"] for s in first["items"] + second["items"]]
    assert names[:3] == ["Adoption record 0", "Adoption record 1", "Adoption record 2"]
    assert len(names) == 6 and names == sorted(names)


def test_filters(world, lead):
    codes = lambda query: [s["code"] for s in lead.get(f"/api/services?{query}").json()["items"]]  # noqa: E731
    assert codes("q=santé") == ["H1"]          # French words match too
    assert codes("q=certificate") == ["H2"]
    assert codes("channel=mail") == ["H2"]
    assert codes("organization=health") == ["H2", "H1"]
    assert codes("organization=pex") == []       # outside the lead's scope: nothing


def test_detail_has_both_languages(world, lead):
    body = lead.get(f"/api/services/{world.health_card.pk}").json()
    assert body["organization"] == "health"
    assert body["name_en"] == "Health card renewal"
    assert body["name_fr"] == "Renouvellement de la carte Santé"
    assert body["channels"] == ["online", "in_person"]


def test_create(world, lead):
    response = post(lead, "/api/services", NEW)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "H9" and body["organization"] == "health"
    assert body["fee_amount"] == "12.50"
    service = Service.objects.get(pk=body["id"])
    assert audit_trail(service).get().actor == world.lead
    assert lead.get(f"/api/services/{body['id']}").status_code == 200


def test_patch_changes_only_what_is_sent(world, manager):
    url = f"/api/services/{world.health_card.pk}"
    response = patch(manager, url, {"description_en": "Renew your card.",
                                    "channels": ["online"]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["description_en"] == "Renew your card."
    assert body["channels"] == ["online"]
    assert body["name_fr"] == "Renouvellement de la carte Santé"
    assert patch(manager, url, {}).status_code == 200


def test_validation_errors_are_structured(world, lead):
    response = post(lead, "/api/services", {"organization": "health", "code": "H9"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"] == {"name_en": ["This field is required."],
                               "name_fr": ["This field is required."]}
    assert error["message"]


def test_domain_rules_come_back_per_field(world, lead):
    response = post(lead, "/api/services", dict(NEW, name_en="", delivery="third_party"))
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert fields["name_en"] == ["This field cannot be blank."]

    response = post(lead, "/api/services", dict(NEW, delivery="third_party"))
    assert response.json()["error"]["fields"] == {
        "delivery_partner": ["Name who delivers the service."]}


def test_duplicate_code_is_422_not_500(world, lead):
    response = post(lead, "/api/services", dict(NEW, code="H1"))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


@pytest.mark.parametrize("body, field", [
    ({"channels": ["pigeon"]}, "channels.0"),
    ({"has_fee": "perhaps"}, "has_fee"),
    ({"fee_amount": "a lot"}, "fee_amount"),
    ({"name_en": None}, "name_en"),
    ({"nickname": "x"}, "nickname"),
    ({"name_en": "Bad\x00name"}, "name_en"),
])
def test_shape_errors_name_the_field(world, lead, body, field):
    response = patch(lead, f"/api/services/{world.health_card.pk}", body)
    assert response.status_code == 422, response.content
    assert list(response.json()["error"]["fields"]) == [field]


def test_too_long_is_a_field_error(world, lead):
    response = patch(lead, f"/api/services/{world.health_card.pk}", {"name_en": "x" * 401})
    assert response.status_code == 422
    assert "name_en" in response.json()["error"]["fields"]


def test_malformed_json_is_422(world, lead):
    response = lead.post("/api/services", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert "error" in response.json()
