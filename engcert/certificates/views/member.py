"""The member's certificates and the download of a certificate's signed PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from engcert.accounts.models import User
from engcert.audit.domain import audit_event_append
from engcert.certificates.models import Certificate
from engcert.certificates.selectors_issue import ISSUED, certificates_of_holder


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    certificates = [
        {"certificate": c, "status": c.effective_status(today)}
        for c in certificates_of_holder(user=_user(request))
    ]
    return render(request, "certificates/member/mine.html", {"certificates": certificates, "today": today})


@login_required
def pdf(request: HttpRequest, number: str) -> HttpResponseBase:
    """The signed PDF, for its holder and the society's staff; 404 for everyone else, so that
    a number alone reveals nothing."""
    certificate = (
        Certificate.objects.filter(ISSUED, number=number).select_related("registration", "society").first()
    )
    user = _user(request)
    if certificate is None or not user.has_perm("certificates.download_certificate", certificate):
        raise Http404
    if not certificate.pdf or not certificate.pdf.storage.exists(certificate.pdf.name):
        raise Http404
    if certificate.registration.holder_id != user.pk:
        # Staff reading a member's certificate leaves a trace, as reading a file does.
        audit_event_append(
            actor=user, action="certificates.pdf_downloaded", subject=certificate, data={"number": number}
        )
    handle = certificate.pdf.storage.open(certificate.pdf.name, "rb")
    return FileResponse(
        handle, as_attachment=True, filename=f"{certificate.number}.pdf", content_type="application/pdf"
    )
