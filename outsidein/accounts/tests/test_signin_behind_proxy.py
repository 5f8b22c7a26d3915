"""Sign-in behind a TLS-terminating reverse proxy: HTTPS served once, the lockout per real client.

The end-to-end version, through a real nginx, is tests/functional/test_reverse_proxy.py.
"""

import pytest
from django.urls import reverse

from tests import factories

PROXY = "127.0.0.1"


@pytest.fixture
def behind_proxy(settings):
    """The settings OUTSIDEIN_HTTPS=1 and OUTSIDEIN_TRUSTED_PROXIES=127.0.0.1,::1 give."""
    settings.TRUSTED_PROXIES = [PROXY, "::1"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    return settings


def test_https_through_the_proxy_is_served_once_with_hsts_and_secure_cookies(client, behind_proxy):
    response = client.get(reverse("accounts:login"), REMOTE_ADDR=PROXY,
                          headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    assert response.cookies["csrftoken"]["secure"] is True


def test_a_client_claiming_https_itself_is_redirected(client, behind_proxy):
    response = client.get(reverse("accounts:login"), REMOTE_ADDR="198.51.100.7",
                          headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert "Strict-Transport-Security" not in response


def _sign_in(client, forwarded_for: str, password: str, remote_addr: str = PROXY):
    return client.post(reverse("accounts:login"), {"username": "health-quality_lead", "password": password},
                       REMOTE_ADDR=remote_addr,
                       headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": forwarded_for})


@pytest.mark.django_db
def test_the_lockout_counts_per_real_client_behind_the_proxy(client, behind_proxy,
                                                            province_world):
    behind_proxy.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        _sign_in(client, "203.0.113.5", "wrong")
    locked = _sign_in(client, "203.0.113.5", factories.PASSWORD)
    assert locked.status_code == 429
    # Someone else signing in to the same account from elsewhere is not locked out by the guesser.
    elsewhere = _sign_in(client, "203.0.113.6", factories.PASSWORD)
    assert elsewhere.status_code == 302 and elsewhere["Location"] == reverse("staff:home")


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_escape_the_lockout(client, behind_proxy,
                                                            province_world):
    behind_proxy.AXES_FAILURE_LIMIT = 3
    for guess in range(3):
        # The guesser writes a new address each time; the proxy appends the real one.
        _sign_in(client, f"10.0.0.{guess}, 203.0.113.5", "wrong")
    assert _sign_in(client, "10.0.0.99, 203.0.113.5", factories.PASSWORD).status_code == 429
