"""Staff pages in a real browser, in English and French: axe-core finds no violation, and the
main paths work with the keyboard alone.

The whole module shares one world, built once: the demo's Province of Example (organizations,
calendars, services, standards, a guarantee, personas), a few thousand of its synthetic
interaction records imported into a store of the module's own, and the compliance results
computed from them. It is committed before the first test, outside any test transaction
(pytest-django's `live_server` would flush it after every test), served by one live server of
the module's own and read by one browser; the database is flushed when the module ends. The
persona signs in once, through the sign-in form.

Staff addresses carry no language prefix: a page's language is the django_language cookie that
the header's language switch sets (else the browser's Accept-Language).
"""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import override_settings

from outsidein.calendars.models import BusinessCalendar
from outsidein.compliance.models import ComplianceResult, ResultSource
from outsidein.compliance.services import compliance_run
from outsidein.compliance.views import RECORDS_PER_PAGE
from outsidein.demo import catalogue
from outsidein.demo.loading import demo_records_load
from outsidein.demo.services import demo_load
from outsidein.standards.models import Service, ServiceStandard
from outsidein.standards.services import standard_revise
from tests.functional.browser import (
    DEFAULT_TIMEOUT_MS,
    assert_aria_references_resolve,
    assert_no_axe_violations,
    assert_no_console_problems,
    keyboard_walk,
    tab_to,
)

# django_db: the test database is set up, and what a test writes through the live server is rolled
# back on SQLite's shared in-memory connection (and committed, harmlessly, on PostgreSQL).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PERSONA = "quality"  # Quinn Quality, quality lead over the whole province
RECORDS = 3000  # enough for every page to have rows, a second page of records and breaches
LANGUAGES = ["en", "fr"]
LOCKED_OUT = {"en": "Too many failed sign-in attempts",
              "fr": "Trop de tentatives de connexion infructueuses"}


def build_world() -> SimpleNamespace:
    """The demo province with records and results; what the pages below are about."""
    demo_load()
    demo_records_load(rows=RECORDS)
    compliance_run()
    licence = Service.objects.get(code="DL-RENEW")
    online = ServiceStandard.objects.get(code="DL-RENEW-ONL")
    guaranteed = ServiceStandard.objects.get(code="BR-ELICENCE-GUARANTEE")
    # A draft on top of the published version: the page then shows the publish button, both
    # versions and the change history.
    standard_revise(standard=guaranteed, change_note="Clearer wording",
                    text_en="We issue your electronic business licence within 2 business days "
                            "of a complete application.")
    # The records behind the largest result fill more than one page.
    drill = ComplianceResult.objects.filter(source=ResultSource.ENGINE).order_by("-total").first()
    assert drill.total > RECORDS_PER_PAGE
    return SimpleNamespace(licence=licence, online=online, guaranteed=guaranteed,
                           calendar=BusinessCalendar.objects.get(name="Northtown office"),
                           result=drill, records=drill.records_url,
                           records_filter_error=drill.address.url(status="lost"))


@pytest.fixture(autouse=True)
def _data_dir():
    """Every test here reads the module's one store (see `world`), not a fresh empty one."""
    yield


@pytest.fixture(scope="module")
def world(browser, django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, committed, served by a live server for the whole module.

    It needs the browser started first: while Playwright runs, code in this thread sees other
    context variables, hence other database connections than before. Built after it, the world,
    the live server (which shares SQLite's in-memory connection) and the tests' transactions
    all use the same connection; it is closed at the end, as TransactionTestCase would.
    """
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock(), \
            override_settings(DATA_DIR=tmp_path_factory.mktemp("staff-pages")):
        try:
            data = build_world()
            server = LiveServer("localhost")
            server._live_server_modified_settings.enable()  # ALLOWED_HOSTS, as live_server does
            try:
                yield SimpleNamespace(url=server.url, **vars(data))
            finally:
                server._live_server_modified_settings.disable()
                server.stop()
        finally:
            call_command("flush", interactive=False, verbosity=0)
            connections.close_all()


def new_context(browser, world, lang: str, cookies=()):
    """A browser context on the live server whose pages come in `lang` (the switch's cookie)."""
    context = browser.new_context(base_url=world.url, locale="en-CA", reduced_motion="reduce")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.add_cookies([{"name": "django_language", "value": lang, "url": world.url},
                         *cookies])
    return context


@pytest.fixture(scope="module")
def signed_in(browser, world):
    """One signed-in browser context per language (one sign-in, through the form)."""
    first = new_context(browser, world, "en")
    page = first.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", PERSONA)
    page.fill("#id_password", catalogue.DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/")
    session = [c for c in first.cookies() if c["name"] == "sessionid"]
    page.close()
    contexts = {"en": first, "fr": new_context(browser, world, "fr", session)}
    yield contexts
    for context in contexts.values():
        context.close()


@contextmanager
def opened(context, path: str):
    """A new tab on `path` (closed after), collecting console problems like browser_page does."""
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.console_problems = problems
    try:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        yield page
    finally:
        page.close()


def follow_by_keyboard(page, href: str) -> None:
    """Tab to the link to `href`, press Enter and wait for its page."""
    tab_to(page, lambda f: f.href == href)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{href}")


def assert_accessible(page, lang: str) -> None:
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").count() == 1
    assert_no_axe_violations(page)
    assert_aria_references_resolve(page)
    assert_no_console_problems(page)


STAFF_PAGES = {
    "home": "/staff/",
    "service-search": "/staff/services/?q=licence",
    "service": "/staff/services/{w.licence.pk}/",
    "standard": "/staff/standards/{w.guaranteed.pk}/",
    "standard-edit": "/staff/standards/{w.online.pk}/edit/",
    "calendars": "/staff/calendars/",
    "calendar-year": "/staff/calendars/{w.calendar.pk}/?year=2025",
    "compliance": "/staff/compliance/",
    "records": "{w.records}",
    "records-filter-error": "{w.records_filter_error}",
    "evidence": "/staff/compliance/evidence/",
    "evidence-error": "/staff/compliance/evidence/?period=June&format=csv",
    "at-risk": "/staff/compliance/at-risk/?hours=40",
    "guarantees": "/staff/compliance/guarantees/",
    "breaches": "/staff/compliance/guarantees/{w.guaranteed.pk}/",
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(STAFF_PAGES))
def test_staff_page_has_no_axe_violation(signed_in, world, name, lang):
    with opened(signed_in[lang], STAFF_PAGES[name].format(w=world)) as page:
        if name.endswith("-error"):
            assert page.locator("[aria-invalid=true]").count() == 1
        assert_accessible(page, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_standard_form_with_errors_has_no_axe_violation(signed_in, world, lang):
    with opened(signed_in[lang], f"/staff/standards/{world.online.pk}/edit/") as page:
        page.fill("#id_name_en", "")
        page.click("main button[type=submit]")
        page.wait_for_selector(".ontario-alert--error")
        assert page.locator("#id_name_en").get_attribute("aria-invalid") == "true"
        assert page.locator("#id_name_en_error").count() == 1
        assert_accessible(page, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sign_in_and_locked_out_pages_have_no_axe_violation(browser, world, lang):
    context = new_context(browser, world, lang)
    try:
        with opened(context, "/accounts/login/") as page:
            assert_accessible(page, lang)
            # Wrong passwords until the account is locked (the limit is AXES_FAILURE_LIMIT).
            for attempt in range(10):
                page.fill("#id_username", f"intruder-{lang}")
                page.fill("#id_password", "wrong")
                with page.expect_navigation() as navigation:
                    page.click("main button[type=submit]")
                if navigation.value.status == 429:
                    break
                if attempt == 0:
                    assert page.locator("[role=alert]").count() == 1
                    assert_accessible(page, lang)  # the sign-in form showing its error
            else:
                pytest.fail("never locked out")
            assert page.locator("h1").inner_text() == LOCKED_OUT[lang]
            # The browser logs the page's 429 status as an error: that one is expected.
            page.console_problems[:] = [p for p in page.console_problems
                                        if "(Too Many Requests)" not in p]
            assert_accessible(page, lang)
    finally:
        context.close()


def assert_focus_visible(walk) -> None:
    hidden = [f.describe() for f in walk if not (f.focus_visible and f.on_screen)]
    assert not hidden, f"focus not visible on: {hidden}"


def test_keyboard_only_from_the_service_list_to_a_standard(signed_in, world):
    with opened(signed_in["en"], "/staff/services/") as page:
        walk = keyboard_walk(page)
        assert walk[0].href == "#main", [f.describe() for f in walk]
        assert_focus_visible(walk)

        tab_to(page, lambda f: f.name == "q")
        page.keyboard.type("licence")
        page.keyboard.press("Enter")
        page.wait_for_url("**/staff/services/?q=licence*")
        follow_by_keyboard(page, f"/staff/services/{world.licence.pk}/")
        assert_focus_visible(keyboard_walk(page))

        follow_by_keyboard(page, f"/staff/standards/{world.online.pk}/")
        assert page.locator("h1").inner_text() == "Online requests completed within 5 business days"
        assert_focus_visible(keyboard_walk(page))
        assert_no_console_problems(page)


def test_keyboard_only_dashboard_filter(signed_in, world):
    with opened(signed_in["en"], "/staff/compliance/") as page:
        walk = keyboard_walk(page, max_tabs=40)  # the header, the links and the filters
        assert {"organization", "service", "period"} <= {f.name for f in walk}
        assert_focus_visible(walk)

        page.reload()  # Tab again from the top (a blur would leave Tab's start point mid-page)
        tab_to(page, lambda f: f.name == "period")
        page.keyboard.type("Fiscal")  # type-ahead picks "Fiscal year (April–March)"
        tab_to(page, lambda f: f.tag == "button" and f.text == "Show")
        page.keyboard.press("Enter")
        page.wait_for_url("**/staff/compliance/?*period=fiscal_year*")
        assert page.locator("h2", has_text="Latest results (Fiscal year").count() == 1
        assert page.locator("#id_period").input_value() == "fiscal_year"
        assert_no_console_problems(page)
