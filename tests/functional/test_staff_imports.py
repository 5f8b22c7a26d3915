"""Staff import pages in a real browser: accessible in English and French, an import started with
the keyboard alone, and its page following the import as the worker runs it."""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from outsidein.interactions.models import ImportStatus, InteractionImport
from outsidein.interactions.services import (
    interactions_import_enqueue,
    interactions_import_run,
    source_mapping_create,
)
from tests import factories
from tests.functional.browser import (
    assert_no_axe_violations,
    assert_no_console_problems,
    focused_element,
    keyboard_walk,
    tab_to,
)

HEADER = "record_id,channel,organization,call_started,answered,rings,exclusion_reason\n"
ROWS = [
    "C1,telephone,health,2025-03-03 09:00:00,2025-03-03 09:00:12,2,",
    "C2,telephone,health,2025-03-03 09:01:00,2025-03-03 09:01:30,5,labour disruption",
    "C3,telephone,health,2025-03-03 09:02:00,2025-03-03 08:00:00,1,",
    "C4,telephone,health,2025-03-03 09:03:00,2025-03-03 09:03:06,three,",
]


def write_calls(path):
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    return path


USERNAME = "health-quality_lead"


def build_imports(tmp_path):
    """The shared world's Health quality lead, one finished import with rejects, a mapping."""
    lead = factories.province_world().lead
    source_mapping_create(name="acd-ottawa", source="acd-ottawa", column_map={"Call ID": "record_id"},
                          constants={"organization": "health"})
    with open(write_calls(tmp_path / "march.csv"), "rb") as handle:
        record = interactions_import_enqueue(file=handle, file_name="march.csv", source="acd",
                                             by=lead, organizations=["health"])
    interactions_import_run(import_id=record.pk)
    return lead, InteractionImport.objects.get(pk=record.pk)


def sign_in(page, next_url):
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_url}")


@pytest.mark.browser
def test_import_pages_are_accessible_in_english_and_french(browser_page, live_server,
                                                          transactional_db, tmp_path):
    _lead, record = build_imports(tmp_path)
    assert (record.status, record.rows_read, record.rejected) == (ImportStatus.DONE, 4, 2)
    page = browser_page
    sign_in(page, "/staff/imports/")
    pages = ["/staff/imports/", "/staff/imports/new/", f"/staff/imports/{record.pk}/",
             f"/staff/imports/{record.pk}/undo/", "/staff/imports/mappings/new/"]
    for url in pages:
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "en"
        assert_no_axe_violations(page)
    detail = page.goto(f"/staff/imports/{record.pk}/")
    assert detail.ok
    assert "4 = 2 + 0 + 2" in page.locator("main").inner_text()

    # Staff pages follow the language chosen with the header's switch (a cookie).
    page.goto("/staff/imports/")
    page.get_by_role("button", name="Français").click()
    page.wait_for_url("**/staff/imports/")
    assert page.locator("html").get_attribute("lang") == "fr"
    for url in pages:
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "fr"
        assert_no_axe_violations(page)
    # Django's own messages are French: a form sent empty says so in French.
    page.goto("/staff/imports/new/")
    page.locator("form[enctype] button[type=submit]").click()
    assert "Ce champ est obligatoire." in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    assert_no_console_problems(page)


@pytest.mark.browser
def test_an_import_is_started_with_the_keyboard_and_its_page_follows_it(
        browser_page, live_server, transactional_db, tmp_path):
    build_imports(tmp_path)
    upload = write_calls(tmp_path / "april.csv")
    page = browser_page
    sign_in(page, "/staff/imports/new/")

    walk = keyboard_walk(page)
    hidden_focus = [f.describe() for f in walk if not (f.focus_visible and f.on_screen)]
    assert not hidden_focus, f"focus not visible on: {hidden_focus}"
    names = [f.name for f in walk]
    # The lead imports for Health and its office: the form asks which owns a new source.
    assert names.index("file") < names.index("source") < names.index("mapping") \
        < names.index("organization") < names.index("encoding") < names.index("dry_run")

    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    tab_to(page, lambda f: f.name == "file")
    open_file_chooser_by_keyboard(page).set_files(str(upload))
    page.keyboard.press("Tab")
    assert focused_element(page).name == "source"
    page.keyboard.type("acd-keyboard")
    page.keyboard.press("Tab")
    assert focused_element(page).name == "mapping"
    page.keyboard.press("Tab")
    assert focused_element(page).name == "organization"
    page.keyboard.press("Tab")
    assert focused_element(page).name == "encoding"
    page.keyboard.press("Tab")
    assert focused_element(page).name == "dry_run"
    page.keyboard.press("Space")
    tab_to(page, lambda f: f.tag == "button" and f.type == "submit"
           and "Start" in f.text)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/staff/imports/\d+/$"))

    # No worker runs in this test: the import waits, and the page polls the API for it.
    record = InteractionImport.objects.get(source="acd-keyboard")
    assert (record.status, record.dry_run, record.file_name) == (ImportStatus.QUEUED, True,
                                                                 "april.csv")
    status = page.locator("#import-status [data-status]")
    assert status.inner_text() == "Queued"
    assert page.locator("#import-status").get_attribute("aria-live") == "polite"
    assert_no_axe_violations(page)

    interactions_import_run(import_id=record.pk)  # what the worker would do
    page.wait_for_function(
        "() => document.querySelector('#import-status [data-status]').textContent === 'Done'")
    assert page.locator("#import-progress").evaluate("el => el.value") == 100
    assert page.locator("[data-count=rows_read]").inner_text() == "4"
    assert page.locator("[data-count=rejected]").inner_text() == "2"
    assert page.locator("[data-refresh]").inner_text() == "Show the results"
    page.locator("[data-refresh]").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "4 = 2 + 0 + 2" in page.locator("main").inner_text()
    assert "three" in page.locator("main table").last.inner_text()
    assert_no_console_problems(page)


def open_file_chooser_by_keyboard(page):
    """The file chooser of the focused file input, opened by Space or, failing that, Enter —
    both open it for keyboard users; headless Chromium on a loaded machine sometimes drops the
    first key's activation."""
    focused = focused_element(page)
    assert (focused.tag, focused.type) == ("input", "file")
    for key, wait_ms in (("Space", 5000), ("Enter", 10000), ("Space", 15000)):
        try:
            with page.expect_file_chooser(timeout=wait_ms) as chooser:
                page.keyboard.press(key)
            return chooser.value
        except PlaywrightTimeoutError:
            continue
    raise AssertionError("neither Space nor Enter opened the file chooser")
