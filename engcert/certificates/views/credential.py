"""The member's certificate as a signed Verifiable Credential (Open Badges 3.0), to download."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from engcert.certificates.credentials import credential_build
from engcert.certificates.models import Certificate


@login_required
def credential(request: HttpRequest, number: str) -> HttpResponse:
    certificate = (
        Certificate.objects.filter(number=number)
        .select_related("society", "grade", "discipline", "registration")
        .first()
    )
    if certificate is None or certificate.registration.holder_id != request.user.pk:
        # Others' certificates are not even confirmed to exist here (the public page does that).
        raise Http404
    if not request.user.has_perm("certificates.download_credential", certificate):
        raise PermissionDenied
    document = credential_build(certificate=certificate)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/vc+ld+json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.credential.json"'
    response["Cache-Control"] = "private, no-store"
    return response
