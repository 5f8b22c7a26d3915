"""Shared browser helpers: Chromium through Playwright, axe-core checks, keyboard walks.

Use them from any functional test module (tests/functional/conftest.py exposes the fixtures):

    @pytest.mark.browser
    def test_page_is_accessible(browser_page, live_server):
        browser_page.goto(live_server.url + "/en/")
        assert_no_axe_violations(browser_page)

The browser is Debian's chromium (never a downloaded build): one per test module, a fresh
context (cookies, storage) per test. Pages are served by pytest-django's `live_server`,
which serves static files from the finders (STATICFILES_DIRS), so no collectstatic is needed.
"""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from conftest import skip_or_fail

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
AXE_JS = Path(settings.BASE_DIR) / "outsidein" / "static" / "vendor" / "axe" / "axe.min.js"
# What the public pages promise: WCAG 2.1 A and AA, plus axe's best practices (landmarks,
# one h1, heading order, skip link target).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
DEFAULT_TIMEOUT_MS = 10_000


def chromium_path() -> str | None:
    """Debian's chromium, or the one named by OUTSIDEIN_CHROMIUM."""
    candidates = [os.environ.get("OUTSIDEIN_CHROMIUM"), shutil.which("chromium"),
                  "/usr/bin/chromium"]
    return next((c for c in candidates if c and Path(c).is_file()), None)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (starting one costs about a second)."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright package is not installed")
    executable = chromium_path()
    if executable is None:
        skip_or_fail("chromium is not installed (apt-get install chromium)")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    except PlaywrightError as exc:
        playwright.stop()
        skip_or_fail(f"chromium did not start: {exc}")
    # Playwright's sync API keeps an asyncio loop marked as running in this thread while it
    # lives, and Django then refuses ORM calls from the test ("async context"). No coroutine
    # touches the ORM here, so lift the guard for exactly as long as the browser lives.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_page(browser, live_server):
    """A page in a fresh browser context whose relative URLs go to the live server.

    `page.console_problems` collects console errors (a blocked inline script or style shows
    up there as a Content-Security-Policy error) and uncaught page errors.
    """
    context = browser.new_context(base_url=live_server.url, locale="en-CA",
                                  reduced_motion="reduce")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.console_problems = problems
    try:
        yield page
    finally:
        context.close()


def inject_axe(page) -> None:
    """Load axe-core (built into static/vendor/axe by scripts/build-assets.sh) into the page.

    It is added as a script tag pointing at the application's own /static/ copy, which the
    site's CSP (script-src 'self') allows; add_script_tag(path=...) would insert it inline,
    which that CSP rightly blocks. Evaluating the file through the DevTools protocol is the
    fallback for pages not served by the application.
    """
    if not AXE_JS.is_file():
        skip_or_fail(f"{AXE_JS} is missing: run `bash scripts/build-assets.sh`")
    if page.evaluate("typeof window.axe !== 'undefined'"):
        return
    if page.url.startswith(("http://", "https://")):
        page.add_script_tag(url=f"{settings.STATIC_URL}vendor/axe/axe.min.js")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    assert page.evaluate("typeof window.axe !== 'undefined'"), "axe-core did not load"


def axe_violations(page, tags: list[str] | None = None,
                   disable: list[str] | None = None) -> list[dict]:
    """Run axe-core on the current page and return its violations."""
    inject_axe(page)
    options = {"runOnly": {"type": "tag", "values": tags or AXE_TAGS}, "resultTypes": ["violations"]}
    if disable:
        options["rules"] = {rule: {"enabled": False} for rule in disable}
    return page.evaluate("options => axe.run(document, options).then(r => r.violations)", options)


def format_violations(violations: list[dict]) -> str:
    """One line per violation, then one per offending element."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v.get('help')}")
        for node in v.get("nodes", []):
            lines.append(f"    at {', '.join(map(str, node.get('target', [])))}")
    return "\n".join(lines)


def assert_no_axe_violations(page, tags: list[str] | None = None,
                             disable: list[str] | None = None) -> None:
    """Fail, listing each violation (id, impact, targets), when axe-core finds any."""
    violations = axe_violations(page, tags=tags, disable=disable)
    if violations:
        pytest.fail(f"axe-core found {len(violations)} violation(s) on {page.url}:\n"
                    + format_violations(violations), pytrace=False)


# IDs that ARIA attributes and labels point at but that are missing or not unique: axe-core only
# lists those as "needs review" (incomplete), yet a hint or error a field names and the page does
# not have is never read out.
_BROKEN_REFERENCES_JS = """() => {
  const problems = [];
  const count = id => document.querySelectorAll('[id="' + CSS.escape(id) + '"]').length;
  for (const attr of ['aria-describedby', 'aria-labelledby', 'aria-controls', 'aria-errormessage']) {
    for (const el of document.querySelectorAll('[' + attr + ']')) {
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        const n = count(id);
        if (n !== 1) problems.push(`<${el.tagName.toLowerCase()} id="${el.id}"> ${attr}="${id}": `
                                   + (n ? `${n} elements have that id` : 'no element has that id'));
      }
    }
  }
  for (const label of document.querySelectorAll('label[for]')) {
    if (count(label.htmlFor) !== 1)
      problems.push(`<label for="${label.htmlFor}">: no single element has that id`);
  }
  return problems;
}"""


def assert_aria_references_resolve(page) -> None:
    """Fail when an aria-describedby, aria-labelledby (…) or label names a missing or repeated id."""
    problems = page.evaluate(_BROKEN_REFERENCES_JS)
    if problems:
        pytest.fail(f"broken id references on {page.url}:\n" + "\n".join(f"- {p}" for p in problems),
                    pytrace=False)


def assert_no_console_problems(page) -> None:
    """Fail on console errors or uncaught errors (CSP violations included)."""
    problems = getattr(page, "console_problems", [])
    if problems:
        pytest.fail(f"console errors on {page.url}:\n" + "\n".join(f"- {p}" for p in problems),
                    pytrace=False)


@dataclass(frozen=True)
class Focused:
    """What had keyboard focus after one Tab press."""

    tag: str
    text: str
    href: str
    name: str
    value: str
    id: str
    lang: str
    type: str
    focus_visible: bool
    on_screen: bool

    def describe(self) -> str:
        label = self.text or self.name or self.id or self.href
        return f"<{self.tag}> {label!r}"


# Finish running transitions (focus rings fade in) before reading the computed style, then
# say whether the element shows a focus indicator: an outline or a box shadow.
_FOCUSED_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  for (const a of el.getAnimations()) { try { a.finish(); } catch (e) {} }
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
                  && s.outlineColor !== 'transparent' && !/rgba\\(.*,\\s*0\\)$/.test(s.outlineColor);
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  const r = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 120),
    href: el.getAttribute('href') || '',
    name: el.getAttribute('name') || '',
    value: el.getAttribute('value') || '',
    id: el.id || '',
    lang: el.getAttribute('lang') || '',
    type: el.getAttribute('type') || '',
    focus_visible: Boolean(outline || shadow),
    on_screen: r.width > 1 && r.height > 1,
  };
}"""


def focused_element(page) -> Focused | None:
    """The element that has focus now (None for the document itself)."""
    data = page.evaluate(_FOCUSED_JS)
    return Focused(**data) if data else None


def keyboard_walk(page, max_tabs: int = 80) -> list[Focused]:
    """Press Tab from the top of the page until focus leaves it; return what got focus.

    Stops when focus goes back to the document (past the last element) or comes round to
    the first element again, so the result lists each reachable element once, in order.
    """
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); "
                  "window.scrollTo(0, 0); }")
    seen: list[Focused] = []
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        current = focused_element(page)
        if current is None or (seen and current == seen[0]):
            break
        seen.append(current)
    return seen


def tab_to(page, matches, max_tabs: int = 80) -> Focused:
    """Press Tab until the focused element satisfies `matches(Focused)`; fail if never."""
    visited = []
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        current = focused_element(page)
        if current is not None and matches(current):
            return current
        visited.append(current.describe() if current else "(document)")
    pytest.fail("no focusable element matched after "
                f"{max_tabs} Tab presses; focus went through: " + ", ".join(visited),
                pytrace=False)
