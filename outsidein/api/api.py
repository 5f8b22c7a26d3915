"""The JSON API (Django Ninja); OpenAPI schema and docs under /api/docs."""

from ninja import NinjaAPI

api = NinjaAPI(title="Outside-In API", version="1", urls_namespace="api")
