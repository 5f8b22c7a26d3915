"""The JSON API (Django Ninja); OpenAPI schema at /api/openapi.json, docs at /api/docs."""

from django.urls import path, re_path
from ninja import NinjaAPI

from outsidein.api import compliance, interactions, organizations, services, standards
from outsidein.api.auth import session_auth, token_auth
from outsidein.api.docs import LocalSwagger, docs_asset
from outsidein.api.errors import (
    install_error_handlers,
    json_errors_outside_operations,
    not_found_view,
)

DESCRIPTION = """\
Services and service standards of the organizations in your scope.

Authenticate with `Authorization: Bearer <token>` (create a token with
`manage.py api_token create <username>`). A signed-in browser session works too; writes
from a session need the `X-CSRFToken` header.

Every error has the shape `{"error": {"code", "message", "fields"}}`. Messages follow
`Accept-Language` (English or French).
"""


class OutsideInAPI(NinjaAPI):
    """NinjaAPI whose every URL, not only its operations, answers errors in JSON."""

    def get_openapi_operation_id(self, operation) -> str:
        # "service_add" rather than ninja's "outsidein_api_services_service_add".
        return operation.view_func.__name__

    def _get_urls(self):
        urls = [path("docs/assets/<str:name>", docs_asset, name="docs-asset")]
        for pattern in super()._get_urls():
            pattern.callback = json_errors_outside_operations(pattern.callback)
            urls.append(pattern)
        urls.append(re_path(r"^.*$", not_found_view, name="not-found"))
        return urls


api = OutsideInAPI(
    title="Outside-In API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs=LocalSwagger(),
    auth=[token_auth, session_auth],
)
install_error_handlers(api)
api.add_router("/organizations", organizations.router)
api.add_router("/services", services.router)
api.add_router("/standards", standards.router)
api.add_router("/interactions", interactions.router)
api.add_router("/compliance", compliance.router)
