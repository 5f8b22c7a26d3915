"""403, 404, 500 and CSRF-failure pages: styled, in English and French, with the staff menu for
a signed-in user."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from outsidein.accounts.error_views import server_error

pytestmark = pytest.mark.django_db

TEXT = {
    "403": {"en": "You are not allowed to do this", "fr": "Vous n'avez pas la permission de faire cela"},
    "404": {"en": "Page not found", "fr": "Page introuvable"},
    "500": {"en": "Something went wrong", "fr": "Une erreur s'est produite"},
    "csrf": {"en": "The form could not be sent", "fr": "Le formulaire n'a pas pu être envoyé"},
}
SIGN_OUT = {"en": "Sign out", "fr": "Se déconnecter"}
STYLESHEET = "css/outsidein.css"


@pytest.fixture
def officer(province_world):
    """Health's case officer: may read, may not import."""
    return province_world.case_officer


def staff_client(user, lang: str, **options) -> Client:
    client = Client(**options)
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


def assert_styled_staff_page(response, status: int, page: str, lang: str) -> None:
    html = response.content.decode()
    assert response.status_code == status
    assert f'<html lang="{lang}">' in html and STYLESHEET in html
    assert f"<h1>{TEXT[page][lang]}</h1>" in html.replace("&#x27;", "'")
    assert SIGN_OUT[lang] in html and 'href="/staff/services/"' in html  # the staff menu
    assert "<style" not in html and "<script" not in html  # nothing the CSP would block


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_403_keeps_the_staff_menu(officer, lang):
    response = staff_client(officer, lang).get(reverse("interactions:imports"))
    assert_styled_staff_page(response, 403, "403", lang)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_404_keeps_the_staff_menu(officer, lang):
    response = staff_client(officer, lang).get("/staff/no-such-page/")
    assert_styled_staff_page(response, 404, "404", lang)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_500_keeps_the_staff_menu(officer, lang, settings):
    settings.ROOT_URLCONF = "outsidein.accounts.tests.urls_failing"
    client = staff_client(officer, lang, raise_request_exception=False)
    response = client.get("/staff/failing/")
    assert_styled_staff_page(response, 500, "500", lang)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_csrf_failure_is_explained_with_the_staff_menu(officer, lang):
    client = staff_client(officer, lang, enforce_csrf_checks=True)
    response = client.post(reverse("accounts:password_change"), {"old_password": "x"})
    assert_styled_staff_page(response, 403, "csrf", lang)
    assert {"en": "reload the page", "fr": "rechargez la page"}[lang] in response.content.decode()


def test_a_signed_out_visitor_gets_the_public_layout(client):
    response = client.get("/staff/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404 and "<h1>Page not found</h1>" in html
    assert "Sign out" not in html and reverse("public:index") in html


def test_a_public_page_keeps_the_public_layout_for_staff_too(officer):
    response = staff_client(officer, "en").get("/fr/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404 and "<h1>Page introuvable</h1>" in html
    assert "Se déconnecter" not in html


def test_the_500_page_makes_no_database_query(officer, rf, django_assert_num_queries):
    request = rf.get("/staff/failing/")
    request._cached_user = officer  # as AuthenticationMiddleware leaves a user it has loaded
    with django_assert_num_queries(0), translation.override("en"):
        response = server_error(request)
    assert response.status_code == 500 and "Sign out" in response.content.decode()
