"""The JSON API under /api/v1 (django-ninja), with its OpenAPI document at /api/v1/openapi.json.
Each app adds its router here."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from engcert.certificates.api import router as certificates_router

api = NinjaAPI(
    title="engcert API",
    version="1",
    description="Engineering-competency evaluation and member registration: public certificate verification.",
    urls_namespace="api-1",
)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # The one error body of the API: {"detail": <for people>, "code": <for programs>}.
    return api.create_response(request, {"detail": _("Not found."), "code": "not_found"}, status=404)


# Certificates: /api/v1/certificates/{number} and /api/v1/register (public).
api.add_router("/", certificates_router)
