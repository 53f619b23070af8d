"""Section-by-section editing of a draft application."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse


@login_required
def section_edit(request: HttpRequest, uid: UUID, section: str) -> HttpResponse:
    raise Http404
