"""No valid token, no data: 401 in the error shape; sessions work with CSRF for writes."""

import pytest
from django.test import Client

from outsidein.accounts.models import ApiToken
from outsidein.accounts.services import api_token_revoke
from tests import factories
from tests.factories import token_client

pytestmark = pytest.mark.django_db


def assert_401(response):
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("path", ["/api/organizations", "/api/services", "/api/standards",
                                  "/api/services/1", "/api/standards/1/versions"])
def test_reads_need_a_token(world, path):
    assert_401(Client().get(path))


def test_writes_need_a_token(world):
    response = Client().post("/api/services", {"organization": "health", "code": "X",
                                               "name_en": "X", "name_fr": "X"},
                             content_type="application/json")
    assert_401(response)


@pytest.mark.parametrize("header", ["Bearer oi_not-a-real-token", "Bearer ", "Token abc",
                                    "Basic YWxpY2U6c2VjcmV0", "Bearer \u00e9t\u00e9",
                                    "Bearer " + "x" * 5000])
def test_a_bad_token_is_refused(world, header):
    assert_401(Client(headers={"Authorization": header}).get("/api/services"))


def test_a_revoked_token_is_refused(world):
    client = token_client(world.lead)
    assert client.get("/api/services").status_code == 200
    api_token_revoke(token=ApiToken.objects.get(user=world.lead))
    assert_401(client.get("/api/services"))


def test_an_inactive_users_token_is_refused(world):
    client = token_client(world.lead)
    world.lead.is_active = False
    world.lead.save()
    assert_401(client.get("/api/services"))


def test_a_token_records_its_last_use(world):
    client = token_client(world.lead)
    client.get("/api/organizations")
    assert ApiToken.objects.get(user=world.lead).last_used_at is not None


def test_a_signed_in_session_can_read(world):
    client = Client()
    client.force_login(world.lead)
    response = client.get("/api/services")
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_a_session_write_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.lead)
    body = {"organization": "health", "code": "H9", "name_en": "Organ donor registration",
            "name_fr": "Inscription au don d'organes"}
    refused = client.post("/api/services", body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"

    client.get("/api/docs")  # the docs page sets the CSRF cookie, as in a browser
    csrf = client.cookies["csrftoken"].value
    accepted = client.post("/api/services", body, content_type="application/json",
                           headers={"X-CSRFToken": csrf})
    assert accepted.status_code == 201, accepted.content


def test_a_bad_token_does_not_fall_back_to_the_session(world):
    client = Client(headers={"Authorization": "Bearer oi_wrong"})
    client.force_login(world.lead)
    assert_401(client.get("/api/services"))


def test_a_user_without_roles_sees_nothing(world):
    client = token_client(factories.person("nobody"))
    assert client.get("/api/organizations").json() == []
    assert client.get("/api/services").json() == {"items": [], "count": 0}
