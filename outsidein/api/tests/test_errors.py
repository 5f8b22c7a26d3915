"""Every failure has one JSON shape, honours Accept-Language, and never shows a traceback."""

import pytest
from django.test import Client

from outsidein.api import services as service_routes

pytestmark = pytest.mark.django_db


def error_of(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def test_unknown_address_is_json_404(world, lead):
    response = lead.get("/api/no/such/thing")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert error_of(Client().get("/api/"))["code"] == "not_found"
    # Not Django's HTML CSRF page either, even with a session cookie.
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.lead)
    assert error_of(client.post("/api/no/such/thing"))["code"] == "not_found"


def test_wrong_method_is_json_405(world, lead):
    response = lead.delete(f"/api/services/{world.health_card.pk}")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert "PATCH" in response["Allow"]


def test_unhandled_exception_is_500_without_traceback(world, lead, monkeypatch, caplog):
    def explode(*args, **kwargs):
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(service_routes, "service_or_404", explode)
    response = lead.get(f"/api/services/{world.health_card.pk}")
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "server_error"
    assert "secret" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert "secret internals" in caplog.text   # the operator still sees it in the log


def test_unhandled_exception_is_hidden_in_debug_too(world, lead, monkeypatch, settings):
    settings.DEBUG = True
    monkeypatch.setattr(service_routes, "service_or_404",
                        lambda *a, **k: 1 / 0)
    response = lead.get(f"/api/services/{world.health_card.pk}")
    assert response.status_code == 500
    assert "ZeroDivisionError" not in response.content.decode()


def test_french_field_messages(world, lead):
    # These messages are Django's own msgids, translated in Django's French catalogue.
    response = lead.post("/api/services", {"organization": "health", "code": "H9",
                                           "name_en": "", "name_fr": "Nom"},
                         content_type="application/json", headers={"Accept-Language": "fr"})
    error = error_of(response)
    assert response.status_code == 422
    assert error["fields"]["name_en"] == ["Ce champ ne peut pas être vide."]
    assert response["Content-Language"] == "fr"

    response = lead.post("/api/services", {"organization": "health", "code": "H9"},
                         content_type="application/json", headers={"Accept-Language": "fr-CA"})
    assert error_of(response)["fields"]["name_fr"] == ["Ce champ est obligatoire."]


def test_english_is_the_default(world, lead):
    response = lead.post("/api/services", {"organization": "health", "code": "H9"},
                         content_type="application/json")
    assert error_of(response)["fields"]["name_fr"] == ["This field is required."]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_kind_of_error_has_the_shape_in_both_languages(world, lead, analyst, language):
    headers = {"Accept-Language": language}
    url = f"/api/services/{world.health_card.pk}"
    cases = [
        (Client().get("/api/services", headers=headers), 401),
        (analyst.patch(url, {"name_en": "x"}, content_type="application/json",
                       headers=headers), 403),
        (lead.get("/api/services/424242", headers=headers), 404),
        (lead.patch(url, {"channels": ["pigeon"]}, content_type="application/json",
                    headers=headers), 422),
        (lead.post("/api/services", "{", content_type="application/json", headers=headers),
         400),
    ]
    for response, status in cases:
        assert response.status_code == status
        assert error_of(response)["message"]


def test_an_oversized_body_is_400(world, lead, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = lead.patch(f"/api/services/{world.health_card.pk}",
                          {"description_en": "x" * 2000}, content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"
