"""The JSON API under /api/v1 (django-ninja), with its OpenAPI document at /api/v1/openapi.json.
Each app adds its router here."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="engcert API",
    version="1",
    description="Engineering-competency evaluation and member registration: public certificate verification.",
    urls_namespace="api-1",
)
