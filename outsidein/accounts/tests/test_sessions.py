"""A signed-in session ends when idle or too old; every cookie has SameSite."""

import time

import pytest
from django.conf import settings
from django.urls import reverse

from outsidein.accounts.middleware import SESSION_KEY
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, province_world):
    response = client.post(reverse("accounts:login"),
                           {"username": "health-quality_lead", "password": factories.PASSWORD})
    assert response.status_code == 302
    return response


def test_session_cookie_is_http_only_same_site_and_lasts_a_working_day(signed_in):
    cookie = signed_in.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
    assert cookie["max-age"] == 9 * 3600


def test_csrf_and_language_cookies_have_same_site(client):
    page = client.get(reverse("accounts:login"))
    assert page.cookies[settings.CSRF_COOKIE_NAME]["samesite"] == "Lax"
    switched = client.post(reverse("set_language"), {"language": "fr", "next": "/fr/"})
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME]["samesite"] == "Lax"


def age_session(client, *, idle: int = 0, since_sign_in: int = 0) -> None:
    """Move the session's clocks back, as if the time had passed."""
    session = client.session
    limits = session[SESSION_KEY]
    limits["seen"] -= idle
    limits["started"] -= since_sign_in
    session[SESSION_KEY] = limits
    session.save()


def test_an_idle_session_ends_with_a_message_on_the_sign_in_page(client, signed_in):
    assert client.get(reverse("staff:home")).status_code == 200  # the clocks start
    age_session(client, idle=settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.get(reverse("staff:services"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert "You were signed out after a period without activity" in response.content.decode()


def test_activity_keeps_a_session_open(client, signed_in):
    client.get(reverse("staff:home"))
    age_session(client, idle=settings.SESSION_IDLE_TIMEOUT - 120)
    assert client.get(reverse("staff:services")).status_code == 200
    age_session(client, idle=settings.SESSION_IDLE_TIMEOUT - 120)  # from the last request
    assert client.get(reverse("staff:services")).status_code == 200


def test_a_session_ends_a_working_day_after_sign_in_however_busy(client, signed_in):
    client.get(reverse("staff:home"))
    age_session(client, since_sign_in=settings.SESSION_COOKIE_AGE + 1)
    response = client.get(reverse("staff:services"), follow=True)
    assert "Your session has ended" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_clocks_start_at_the_first_signed_in_request(client, signed_in):
    before = int(time.time())
    client.get(reverse("staff:home"))
    limits = client.session[SESSION_KEY]
    assert limits["started"] >= before and limits["seen"] >= before
