"""The bench server's addresses: engcert's own, and one reference point for the verification
scenario that engcert does not serve.

`bench/lookup/<number>/` runs the verification's lookup (the one indexed query, exactly as the page
and the API run it) and answers with the number alone: no per-address counter, no page, no
schema. Measured beside the ceiling (/healthz) and the verification itself, it shows how much of
the gap between them is the round trip to PostgreSQL and how much is the rest of a verification.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from engcert.certificates.verification import certificate_public_get
from engcert.urls import handler500  # noqa: F401  (the server-error view, as engcert's own)
from engcert.urls import urlpatterns as engcert_urlpatterns


def lookup_only(request: HttpRequest, number: str) -> HttpResponse:
    certificate = certificate_public_get(number=number)
    if certificate is None:
        return HttpResponse("no such certificate", status=404, content_type="text/plain; charset=utf-8")
    return HttpResponse(certificate.number, content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench/lookup/<str:number>/", lookup_only), *engcert_urlpatterns]
