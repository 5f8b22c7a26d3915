"""Sign-in resists guessing; the admin is for super-users only."""

import pytest
from django.urls import reverse

from outsidein.accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_lockout_after_repeated_failures(client, settings, province_world):
    settings.AXES_FAILURE_LIMIT = 3
    url = reverse("accounts:login")
    for _ in range(3):
        client.post(url, {"username": "health-quality_lead", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    locked = client.post(url, {"username": "health-quality_lead", "password": factories.PASSWORD},
                         REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()


def test_good_password_signs_in(client, province_world):
    response = client.post(reverse("accounts:login"),
                           {"username": "health-quality_lead", "password": factories.PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("staff:home")


def test_admin_is_for_superusers_only(client):
    staff = factories.person("staffer", factories.province(), Role.ADMINISTRATOR)
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 302
    staff.is_superuser = True
    staff.save()
    assert client.get("/admin/").status_code == 200


def test_security_headers(client):
    response = client.get(reverse("accounts:login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
