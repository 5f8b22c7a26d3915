"""A token of one ministry's user sees nothing of another ministry: not even that it exists."""

import pytest

from outsidein.accounts.models import Role
from tests import factories
from tests.factories import token_client

pytestmark = pytest.mark.django_db


def assert_404(response):
    assert response.status_code == 404, response.content
    assert response.json()["error"]["code"] == "not_found"


def test_organizations_are_the_membership_subtree(world, transport_lead, lead):
    assert [o["code"] for o in transport_lead.get("/api/organizations").json()] == [
        "transport", "transport-south"]
    health = lead.get("/api/organizations/health").json()
    assert health["name_fr"] == "Ministère de la Santé"
    assert health["parent"] == "pex"
    assert_404(transport_lead.get("/api/organizations/health"))
    assert_404(transport_lead.get("/api/organizations/pex"))
    assert_404(transport_lead.get("/api/organizations/does-not-exist"))


def test_a_ministry_lists_none_of_anothers_services(world, transport_lead):
    page = transport_lead.get("/api/services").json()
    assert [s["code"] for s in page["items"]] == ["T1"]
    assert page["count"] == 1
    # Naming the other ministry in a filter reveals nothing either.
    assert transport_lead.get("/api/services?organization=health").json()["count"] == 0


def test_anothers_service_and_standard_are_404(world, transport_lead):
    assert_404(transport_lead.get(f"/api/services/{world.health_card.pk}"))
    assert_404(transport_lead.patch(f"/api/services/{world.health_card.pk}",
                                    {"name_en": "Taken over"},
                                    content_type="application/json"))
    standard = world.health_standard.pk
    assert_404(transport_lead.get(f"/api/standards/{standard}"))
    assert_404(transport_lead.get(f"/api/standards/{standard}/versions"))
    assert_404(transport_lead.patch(f"/api/standards/{standard}", {"name_en": "Taken over"},
                                    content_type="application/json"))
    assert_404(transport_lead.post(f"/api/standards/{standard}/publish", {},
                                   content_type="application/json"))
    listed = transport_lead.get(f"/api/standards?service={world.health_card.pk}").json()
    assert listed == {"items": [], "count": 0}


def test_out_of_scope_and_missing_look_the_same(world, transport_lead):
    other = transport_lead.get(f"/api/services/{world.health_card.pk}")
    missing = transport_lead.get("/api/services/999999")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()


def test_cannot_create_in_anothers_organization(world, transport_lead):
    response = transport_lead.post("/api/services", {
        "organization": "health", "code": "H9", "name_en": "Sneaky", "name_fr": "Sournois"},
        content_type="application/json")
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["organization"]
    response = transport_lead.post("/api/standards", {
        "service": world.health_card.pk, "code": "X1", "name_en": "X", "name_fr": "X",
        "text_en": "X", "text_fr": "X", "standard_type": "access", "unit": "none"},
        content_type="application/json")
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["service"]


def test_reading_roles_cannot_write(world, analyst):
    response = analyst.patch(f"/api/services/{world.health_card.pk}", {"name_en": "Renamed"},
                             content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    response = analyst.post("/api/services", {"organization": "health", "code": "H9",
                                              "name_en": "X", "name_fr": "X"},
                            content_type="application/json")
    assert response.status_code == 403


def test_a_program_manager_may_revise_but_not_publish(world, manager):
    url = f"/api/standards/{world.health_standard.pk}"
    assert manager.patch(url, {"target_share": "0.9"},
                         content_type="application/json").status_code == 200
    response = manager.post(f"{url}/publish", {}, content_type="application/json")
    assert response.status_code == 403


def test_a_government_lead_sees_every_ministry(world):
    client = token_client(factories.person("gail", world.gov, Role.QUALITY_LEAD))
    codes = [o["code"] for o in client.get("/api/organizations").json()]
    assert codes == ["pex", "health", "health-north", "transport", "transport-south"]
    assert client.get("/api/services").json()["count"] == 3
