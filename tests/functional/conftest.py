"""Functional tests: the shared browser fixtures (see browser.py) for every module here."""

from tests.functional.browser import browser, browser_page  # noqa: F401
