"""The OpenAPI schema and the docs page, served entirely by the application (no CDN)."""

import re
import shutil

import pytest
from django.test import Client

from conftest import skip_or_fail

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("get", "/api/organizations"), ("get", "/api/organizations/{code}"),
    ("get", "/api/services"), ("post", "/api/services"),
    ("get", "/api/services/{service_id}"), ("patch", "/api/services/{service_id}"),
    ("get", "/api/standards"), ("post", "/api/standards"),
    ("get", "/api/standards/{standard_id}"), ("patch", "/api/standards/{standard_id}"),
    ("get", "/api/standards/{standard_id}/versions"),
    ("post", "/api/standards/{standard_id}/publish"),
    ("post", "/api/interactions/batches"), ("get", "/api/interactions/imports"),
    ("get", "/api/interactions/imports/{import_id}"),
    ("get", "/api/interactions/imports/{import_id}/rejects"),
    ("get", "/api/compliance/records"),
}


def test_schema_lists_every_operation_with_bearer_auth():
    schema = Client().get("/api/openapi.json").json()
    found = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert found == OPERATIONS
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    error = schema["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["error"]


def test_docs_page_uses_only_local_assets():
    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "//" not in re.sub(r"<!DOCTYPE[^>]*>", "", html)
    for asset in re.findall(r'(?:href|src)="([^"]+)"', html):
        served = Client().get(asset)
        assert served.status_code == 200, asset
        assert b"".join(served.streaming_content)


def test_only_the_bundled_assets_are_reachable():
    assert Client().get("/api/docs/assets/__init__.py").status_code == 404
    assert Client().get("/api/docs/assets/..%2F..%2Fmain.py").status_code == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_render_in_a_browser(live_server):
    chromium = shutil.which("chromium")
    if chromium is None:
        skip_or_fail("chromium is not installed")
    from playwright.sync_api import sync_playwright

    outside, failed = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        page = browser.new_page()
        page.on("request", lambda r: None if r.url.startswith(live_server.url)
                else outside.append(r.url))
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.goto(f"{live_server.url}/api/docs")
        page.wait_for_selector(".opblock", timeout=15000)
        shown = page.locator(".opblock").count()
        title = page.locator(".info .title").inner_text()
        browser.close()
    assert shown == len(OPERATIONS)
    assert "Outside-In API" in title
    assert outside == [] and failed == []
