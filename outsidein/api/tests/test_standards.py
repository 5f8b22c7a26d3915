"""Standards through the API: a draft is created, revised, published, and revised again."""

import pytest
from django.utils import timezone

from outsidein.calendars.models import BusinessCalendar
from outsidein.standards.models import StandardVersion

pytestmark = pytest.mark.django_db

CALL_BACK = {
    "code": "HS2", "name_en": "Calls returned within 1 business day",
    "name_fr": "Appels retournés en 1 jour ouvrable",
    "text_en": "We return your call within 1 business day.",
    "text_fr": "Nous retournons votre appel en 1 jour ouvrable.",
    "standard_type": "timeliness", "channel": "telephone", "clock_start": "callback_requested",
    "clock_stop": "callback_returned", "unit": "business_days", "threshold": "1",
    "target_share": "0.8",
}


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


def test_create_makes_a_draft(world, lead):
    response = post(lead, "/api/standards", dict(CALL_BACK, service=world.health_card.pk))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organization"] == "health"      # taken from the service
    assert body["service"] == world.health_card.pk
    assert body["current"] is None
    assert body["draft"]["number"] == 1 and body["draft"]["status"] == "draft"
    assert body["draft"]["threshold"] == "1.000"
    assert [v["number"] for v in body["versions"]] == [1]


def test_a_common_standard_names_its_organization(world, lead):
    body = dict(CALL_BACK, organization="health", is_common=True)
    response = post(lead, "/api/standards", body)
    assert response.status_code == 201, response.content
    assert response.json()["service"] is None and response.json()["is_common"] is True
    response = post(lead, "/api/standards", dict(CALL_BACK, code="HS3"))
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["organization"]


def test_draft_revise_publish_then_revise_again(world, lead):
    created = post(lead, "/api/standards", dict(CALL_BACK, service=world.health_card.pk)).json()
    url = f"/api/standards/{created['id']}"

    # Editing a draft changes it in place.
    revised = patch(lead, url, {"target_share": "0.9", "change_note": "Tighter target"}).json()
    assert [v["number"] for v in revised["versions"]] == [1]
    assert revised["draft"]["target_share"] == "0.90000"
    assert revised["draft"]["change_note"] == "Tighter target"

    published = post(lead, f"{url}/publish", {"effective_from": "2025-04-01"})
    assert published.status_code == 200, published.content
    published = published.json()
    assert published["draft"] is None
    assert published["current"]["number"] == 1
    assert published["current"]["effective_from"] == "2025-04-01"

    # Editing a published standard opens version 2 and leaves version 1 as it was.
    v2 = patch(lead, url, {"threshold": "2", "change_note": "Two days"}).json()
    assert v2["draft"]["number"] == 2 and v2["draft"]["threshold"] == "2.000"
    assert v2["draft"]["name_en"] == CALL_BACK["name_en"]   # copied from version 1
    assert v2["current"]["threshold"] == "1.000"

    done = post(lead, f"{url}/publish", {"effective_from": "2026-01-01"}).json()
    versions = lead.get(f"{url}/versions").json()
    assert [(v["number"], v["status"]) for v in versions] == [(2, "published"),
                                                              (1, "superseded")]
    assert versions[1]["effective_to"] == "2025-12-31"
    assert done["versions"] == versions


def test_publish_defaults_to_today(world, lead):
    created = post(lead, "/api/standards", dict(CALL_BACK, service=world.health_card.pk)).json()
    response = lead.generic("POST", f"/api/standards/{created['id']}/publish")  # no body
    assert response.status_code == 200, response.content
    assert response.json()["current"]["effective_from"] == timezone.localdate().isoformat()


def test_publish_refusals_are_422(world, lead):
    url = f"/api/standards/{world.health_standard.pk}"
    nothing = post(lead, f"{url}/publish")
    assert nothing.status_code == 422
    assert "draft" in nothing.json()["error"]["message"]

    patch(lead, url, {"target_share": "0.85"})
    too_early = post(lead, f"{url}/publish", {"effective_from": "2025-01-01"})
    assert too_early.status_code == 422
    assert "2025-04-01" in too_early.json()["error"]["message"]

    patch(lead, url, {"text_fr": " "})
    untranslated = post(lead, f"{url}/publish", {"effective_from": "2026-01-01"})
    assert untranslated.status_code == 422


def test_domain_validation_is_per_field(world, lead):
    body = dict(CALL_BACK, service=world.health_card.pk, clock_stop="answered_by_robot",
                target_share="1.5")
    response = post(lead, "/api/standards", body)
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"clock_stop", "target_share"}


def test_duplicate_code_is_a_field_error(world, lead):
    response = post(lead, "/api/standards", dict(CALL_BACK, code="HS1",
                                                 service=world.health_card.pk))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_list_and_filters(world, lead):
    post(lead, "/api/standards", dict(CALL_BACK, service=world.birth.pk))
    all_codes = [s["code"] for s in lead.get("/api/standards").json()["items"]]
    assert all_codes == ["HS1", "HS2"]
    by_service = lead.get(f"/api/standards?service={world.health_card.pk}").json()
    assert [s["code"] for s in by_service["items"]] == ["HS1"]
    assert by_service["items"][0]["current"]["number"] == 1
    assert lead.get("/api/standards?organization=health").json()["count"] == 2
    assert lead.get("/api/standards?organization=transport").json()["count"] == 0


def test_calendar_must_be_shared_or_in_scope(world, lead):
    shared = BusinessCalendar.objects.create(name="Ontario public service")
    theirs = BusinessCalendar.objects.create(name="Transport offices",
                                             organization=world.transport)
    url = f"/api/standards/{world.health_standard.pk}"
    assert patch(lead, url, {"calendar": shared.pk}).json()["draft"]["calendar"] == shared.pk
    refused = patch(lead, url, {"calendar": theirs.pk})
    assert refused.status_code == 422
    assert list(refused.json()["error"]["fields"]) == ["calendar"]


def test_detail_shows_history(world, lead):
    body = lead.get(f"/api/standards/{world.health_standard.pk}").json()
    assert body["current"]["name_fr"] == "Décision en 15 jours ouvrables"
    assert len(body["versions"]) == StandardVersion.objects.filter(
        standard=world.health_standard).count() == 1


def test_an_empty_patch_opens_no_version(world, lead):
    url = f"/api/standards/{world.health_standard.pk}"
    response = patch(lead, url, {})
    assert response.status_code == 200
    assert response.json()["draft"] is None
    assert StandardVersion.objects.filter(standard=world.health_standard).count() == 1


def test_lists_take_a_fixed_number_of_queries(world, lead, django_assert_max_num_queries):
    for n in range(10):
        post(lead, "/api/standards", dict(CALL_BACK, code=f"N{n}", service=world.birth.pk))
    with django_assert_max_num_queries(10):
        assert lead.get("/api/standards?limit=50").json()["count"] == 11
    with django_assert_max_num_queries(10):
        assert lead.get("/api/services?limit=50").json()["count"] == 2
