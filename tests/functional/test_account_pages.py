"""Password and error pages in a real browser, in English and French: axe-core finds no
violation, nothing breaks the Content-Security-Policy, and the staff menu stays on error pages
for a signed-in user."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests import factories
from tests.functional.browser import (
    assert_aria_references_resolve,
    assert_no_axe_violations,
    assert_no_console_problems,
)

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "fr"]
SIGN_OUT = {"en": "Sign out", "fr": "Se déconnecter"}


def in_language(page, live_server, lang: str):
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    return page


def assert_accessible(page, lang: str) -> None:
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").count() == 1
    assert_no_axe_violations(page)
    assert_aria_references_resolve(page)
    # An error page's own status shows up as a console "Failed to load resource" line.
    page.console_problems[:] = [p for p in page.console_problems
                                if "Failed to load resource" not in p]
    assert_no_console_problems(page)


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_password_reset_pages_have_no_axe_violation(browser_page, live_server, transactional_db,
                                                    lang):
    user = factories.province_world().case_officer
    page = in_language(browser_page, live_server, lang)

    page.goto("/accounts/password/reset/")
    assert_accessible(page, lang)
    page.fill("#id_email", "health-case_officer@example.org")
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/password/reset/sent/")
    assert_accessible(page, lang)

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    page.goto(f"/accounts/password/reset/{uid}/{default_token_generator.make_token(user)}/")
    assert page.locator("#id_new_password1").count() == 1
    assert_accessible(page, lang)
    page.fill("#id_new_password1", "short")
    page.fill("#id_new_password2", "different")
    page.click("main button[type=submit]")
    page.wait_for_selector(".ontario-alert--error")
    assert_accessible(page, lang)  # the form showing its errors

    page.goto(f"/accounts/password/reset/{uid}/not-a-token/")
    assert page.locator("#id_new_password1").count() == 0  # "this link no longer works"
    assert_accessible(page, lang)

    page.goto(f"/{lang}/no-such-page/")
    assert_accessible(page, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_password_change_and_error_pages_have_no_axe_violation(browser_page, live_server,
                                                               transactional_db, settings,
                                                               lang):
    factories.province_world()
    page = in_language(browser_page, live_server, lang)
    sign_in(page, "health-case_officer")

    page.goto("/accounts/password/")
    assert_accessible(page, lang)
    page.fill("#id_old_password", "not-my-password")
    page.fill("#id_new_password1", "a-much-longer-passphrase-42")
    page.fill("#id_new_password2", "a-much-longer-passphrase-42")
    page.click("main button[type=submit]")
    page.wait_for_selector(".ontario-alert--error")
    assert_accessible(page, lang)

    for path, status in [("/staff/imports/", 403), ("/staff/no-such-page/", 404)]:
        assert page.goto(path).status == status
        assert page.get_by_role("button", name=SIGN_OUT[lang]).count() == 1
        assert_accessible(page, lang)

    # A form whose CSRF cookie has gone (cleared by the browser, say).
    page.goto("/accounts/password/")
    page.context.clear_cookies(name="csrftoken")
    with page.expect_navigation() as navigation:
        page.click("main button[type=submit]")
    assert navigation.value.status == 403
    assert page.get_by_role("button", name=SIGN_OUT[lang]).count() == 1
    assert_accessible(page, lang)

    settings.ROOT_URLCONF = "outsidein.accounts.tests.urls_failing"
    assert page.goto("/staff/failing/").status == 500
    assert page.get_by_role("button", name=SIGN_OUT[lang]).count() == 1
    assert_accessible(page, lang)
