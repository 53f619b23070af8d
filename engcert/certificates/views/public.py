"""The public's pages: verifying a certificate by number or QR code, the published keys, and
the signed documents behind the Verifiable Credentials (issuer profiles and status lists)."""

from __future__ import annotations

import functools
import json
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from engcert.certificates.credentials import (
    STATUS_PURPOSES,
    issuer_profile_document,
    key_document,
    public_key_multibase,
    status_list_build,
)
from engcert.certificates.enums import CertificateStatus
from engcert.certificates.forms_public import VerifyForm
from engcert.certificates.keys import published_keys
from engcert.certificates.shell import render_public
from engcert.certificates.verification import (
    MAX_NUMBER_CHARS,
    certificate_public_get,
    payload_check,
    retry_after_seconds,
    status_sentence,
    verify_lookup_allowed,
    verify_unknown_count,
)
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation

JSON_LD = "application/ld+json"


def throttled_response(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "certificates/public/throttled.html",
        {"retry_after": retry_after_seconds()},
        status=429,
    )
    response["Retry-After"] = str(retry_after_seconds())
    return response


@require_GET
@cache_control(public=True, max_age=300)
def verify(request: HttpRequest) -> HttpResponse:
    """Enter a number (a GET form, so the result has its own address), or read how to scan."""
    form = VerifyForm(request.GET or None)
    if request.GET and form.is_valid():
        return HttpResponseRedirect(reverse("certificates:verify_number", args=[form.cleaned_data["number"]]))
    return render(request, "certificates/public/verify.html", {"form": form})


@functools.lru_cache(maxsize=16)
def _verify_form_path(script_prefix: str, urlconf: str) -> str:
    # Reversed once per address prefix and URL configuration, not on every verification.
    return reverse("certificates:verify", urlconf=urlconf)


@require_GET
@cache_control(no_cache=True, max_age=0)
def verify_number(request: HttpRequest, number: str) -> HttpResponse:
    """One certificate's status and details; with ?p= also the QR code's signed data checked."""
    if not verify_lookup_allowed(request):
        return throttled_response(request)
    certificate = certificate_public_get(number=number)
    verify_url = _verify_form_path(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    if certificate is None:
        verify_unknown_count(request)
        return render_public(
            request,
            page_template="certificates/public/unknown.html",
            content_template="certificates/public/unknown_content.html",
            context={"verify_url": verify_url},
            fields={"number": number[:MAX_NUMBER_CHARS]},
            title=_("No such certificate"),
            status=404,
        )
    token = request.GET.get("p", "")
    status = certificate.effective_status()
    shows_reason = status in (CertificateStatus.SUSPENDED, CertificateStatus.REVOKED)
    changed = certificate.status_changed_at
    check = payload_check(token=token, certificate=certificate) if token else None
    context: dict[str, Any] = {
        "status": status.value,
        "status_label": str(status.label),
        "check": "" if check is None else "ok" if check.ok else "mismatch" if check.genuine else "bad",
        "verify_url": verify_url,
    }
    fields = {
        "number": certificate.number,
        "full_name": certificate.full_name,
        "full_name_en": certificate.full_name_en,
        "grade": certificate.grade_display,
        "discipline": certificate.discipline_display,
        "society": certificate.society_display,
        "valid_from": certificate.valid_from.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "status_sentence": status_sentence(certificate),
        "status_reason": certificate.status_reason if shows_reason else "",
        "changed_on": timezone.localtime(changed).date().isoformat() if shows_reason and changed else "",
        "check_message": check.message if check is not None else "",
    }
    return render_public(
        request,
        page_template="certificates/public/verify_number.html",
        content_template="certificates/public/verify_number_content.html",
        context=context,
        fields=fields,
        title=_("Certificate %(number)s") % {"number": certificate.number},
    )


@require_GET
@cache_control(public=True, max_age=300)
def keys(request: HttpRequest) -> HttpResponse:
    """Each society's public Ed25519 keys, for checking QR payloads and credentials offline."""
    societies = {org.code.upper(): org for org in Organisation.objects.filter(kind=OrganisationKind.SOCIETY)}
    rows = [
        {"key": key, "society": societies.get(key.society_code), "multibase": public_key_multibase(key)}
        for key in sorted(published_keys(), key=lambda k: (k.society_code, k.key_id))
    ]
    return render(request, "certificates/public/keys.html", {"rows": rows})


def _json(document: dict[str, Any], *, content_type: str = "application/json") -> HttpResponse:
    return HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type=f"{content_type}; charset=utf-8"
    )


@require_GET
@cache_control(public=True, max_age=300)
def keys_json(request: HttpRequest) -> HttpResponse:
    """The same keys as a document of Multikey verification methods (the credentials' proofs
    name their key by its address in this document)."""
    return _json(key_document())


def _society(code: str) -> Organisation:
    society = Organisation.objects.filter(kind=OrganisationKind.SOCIETY, code=code).first()
    if society is None:
        raise Http404
    return society


@require_GET
@cache_control(public=True, max_age=300)
def issuer(request: HttpRequest, society: str) -> HttpResponse:
    """The society's issuer profile (the credentials' `issuer.id` resolves here)."""
    return _json(issuer_profile_document(_society(society)), content_type=JSON_LD)


@require_GET
@cache_control(no_cache=True, max_age=0)
def status_list(request: HttpRequest, society: str, purpose: str) -> HttpResponse:
    """The society's signed BitstringStatusListCredential, computed from the register now."""
    if purpose not in STATUS_PURPOSES:
        raise Http404
    return _json(
        status_list_build(society=_society(society), purpose=purpose), content_type="application/vc+ld+json"
    )
