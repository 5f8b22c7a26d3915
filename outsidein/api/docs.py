"""The interactive docs at /api/docs, with Swagger UI served by the application (no CDN).

Ninja serves its bundled Swagger UI through staticfiles only when "ninja" is an installed app,
and falls back to a CDN otherwise; this page serves the same bundled files from ninja's package
under /api/docs/assets/ so it works either way.
"""

import json
import mimetypes
from pathlib import Path

import ninja
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from ninja.openapi.docs import DocsBase

ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = {
    "css": "swagger-ui.css",
    "bundle": "swagger-ui-bundle.js",
    "init": "swagger-ui-init.js",
    "icon": "favicon.svg",
}


class LocalSwagger(DocsBase):
    """Swagger UI from local files; session users get the CSRF token for "Try it out"."""

    swagger_settings = {"layout": "BaseLayout", "deepLinking": True}

    def render_page(self, request, api, **kwargs):
        settings = dict(self.swagger_settings, url=self.get_openapi_url(api, kwargs))
        namespace = api.urls_namespace
        assets = {key: reverse(f"{namespace}:docs-asset", kwargs={"name": name})
                  for key, name in ASSETS.items()}
        return render(request, "api/docs.html", {
            "api": api, "assets": assets,
            # Escape "<" so the JSON cannot close the script element it sits in.
            "swagger_settings": json.dumps(settings).replace("<", "\\u003c"),
        })


@require_GET
@cache_control(public=True, max_age=86400)
def docs_asset(request, name: str):
    """One of the bundled Swagger UI files (a fixed list: nothing else is reachable)."""
    if name not in ASSETS.values():
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse((ASSET_DIR / name).open("rb"), content_type=content_type)
