"""engcert's URLs plus one protected probe page, so the second-factor tests do not depend on
what other areas render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from engcert.urls import urlpatterns as engcert_urlpatterns


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    return HttpResponse("desk", content_type="text/plain")


@login_required
def desk_page(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html")


urlpatterns = [
    path("desk/", desk, name="test_desk"),
    path("desk/page/", desk_page, name="test_desk_page"),
    *engcert_urlpatterns,
]
