from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.shortcuts import render

from engcert.batches.selectors import batch_list_public


def home(request: HttpRequest) -> HttpResponse:
    """Open calls for everyone; a signed-in person also sees their own work."""
    context: dict[str, object] = {"calls": batch_list_public()[:6]}
    if request.user.is_authenticated:
        from engcert.applications.selectors import application_list_for_applicant

        context["my_applications"] = application_list_for_applicant(user=request.user)  # type: ignore[arg-type]
    return render(request, "home.html", context)


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers, and the benchmark's ceiling: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")
