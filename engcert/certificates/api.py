"""The certificates' part of the JSON API: verifying one certificate and searching the public
register, both without login. Errors have one body: {"detail": <for people>, "code": <for programs>}."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status

from engcert.certificates.enums import CertificateStatus
from engcert.certificates.listing import PAGE_SIZE, RegisterQuery, register_entries, register_row
from engcert.certificates.verification import (
    PublicCertificate,
    certificate_public_get,
    payload_check,
    retry_after_seconds,
    status_sentence,
    verify_lookup_allowed,
    verify_unknown_count,
)
from engcert.frameworks.models import Grade
from engcert.organisations.models import Discipline
from engcert.replica import replica_reads

router = Router(tags=["certificates"])


class ErrorOut(Schema):
    detail: str
    code: str


class PayloadCheckOut(Schema):
    genuine: bool
    matches_register: bool
    message: str


class CertificateOut(Schema):
    number: str
    status: str
    status_label: str
    status_text: str
    status_reason: str | None
    status_changed_on: str | None
    name: str
    name_en: str
    grade: str
    grade_code: str
    discipline: str
    society: str
    society_code: str
    valid_from: str
    valid_until: str
    qr_payload: PayloadCheckOut | None = None


def certificate_out(certificate: PublicCertificate, *, token: str = "") -> CertificateOut:
    status = certificate.effective_status()
    shows_reason = status in (CertificateStatus.SUSPENDED, CertificateStatus.REVOKED)
    changed = certificate.status_changed_at
    check = payload_check(token=token, certificate=certificate) if token else None
    return CertificateOut(
        number=certificate.number,
        status=str(status),
        status_label=str(status.label),
        status_text=status_sentence(certificate),
        status_reason=certificate.status_reason if shows_reason else None,
        status_changed_on=timezone.localtime(changed).date().isoformat()
        if shows_reason and changed
        else None,
        name=certificate.full_name,
        name_en=certificate.full_name_en,
        grade=certificate.grade_display,
        grade_code=certificate.grade_code,
        discipline=certificate.discipline_display,
        society=certificate.society_display,
        society_code=certificate.society_code,
        valid_from=certificate.valid_from.isoformat(),
        valid_until=certificate.valid_until.isoformat(),
        qr_payload=(
            PayloadCheckOut(genuine=check.genuine, matches_register=check.ok, message=check.message)
            if check is not None
            else None
        ),
    )


@router.get(
    "certificates/{number}",
    response={200: CertificateOut, 404: ErrorOut, 429: ErrorOut},
    summary="Verify a certificate by its number",
    description=(
        "The certificate's status today (valid, suspended, revoked or expired), with what the "
        "register holds. With `p` (the QR code's signed payload) the payload is checked as well. "
        "An unknown number returns 404 and nothing else. Lookups are limited per client address "
        "(unknown numbers count tenfold); over the limit the answer is 429 with Retry-After."
    ),
    auth=None,
)
def certificate_verify(
    request: HttpRequest, response: HttpResponse, number: str, p: str = ""
) -> Status[object]:
    if not verify_lookup_allowed(request):
        response["Retry-After"] = str(retry_after_seconds())
        return Status(
            429,
            ErrorOut(detail=_("Too many lookups from your network; please wait a minute."), code="throttled"),
        )
    certificate = certificate_public_get(number=number)
    if certificate is None:
        verify_unknown_count(request)
        return Status(404, ErrorOut(detail=_("No certificate has this number."), code="not_found"))
    return Status(200, certificate_out(certificate, token=p))


class RegisterEntryOut(Schema):
    number: str
    name: str
    name_en: str | None
    grade: str
    grade_code: str
    discipline: str | None
    unit: str | None
    society: str
    society_code: str
    status: str
    valid_until: str


class RegisterPageOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[RegisterEntryOut]


class RegisterFilter(Schema):
    q: str = ""
    unit: str = ""
    discipline: str = ""
    grade: str = ""
    society: str = ""
    page: int = 1


@router.get(
    "register",
    response={200: RegisterPageOut, 400: ErrorOut},
    summary="Search the public register",
    description=(
        "Members who agreed to be listed, each with their latest certificate and only the fields "
        "they chose to publish (hidden fields are null and not searched). `q` matches the name "
        "or the exact certificate number; `discipline` is a professional field's code, `grade` "
        "a grade's code, `society` a society's code. Pages of 25."
    ),
    auth=None,
)
def register_search(request: HttpRequest, filters: Query[RegisterFilter]) -> Status[object]:
    # The public register may be a moment behind its primary, so a replica may serve it.
    with replica_reads():
        return _register_search(filters)


def _register_search(filters: RegisterFilter) -> Status[object]:
    texts = (filters.q, filters.unit, filters.discipline, filters.grade, filters.society)
    if any("\x00" in text for text in texts):
        # PostgreSQL refuses a NUL in a query's text; no name, unit or code holds one.
        return Status(
            400, ErrorOut(detail=_("The search holds a character that no entry has."), code="bad_text")
        )
    discipline_id = None
    if filters.discipline:
        discipline_id = (
            Discipline.objects.filter(code=filters.discipline)
            .filter(**({"society__code": filters.society} if filters.society else {}))
            .values_list("pk", flat=True)
            .first()
        )
        if discipline_id is None:
            return Status(
                400, ErrorOut(detail=_("No professional field has this code."), code="unknown_discipline")
            )
    if filters.grade and not Grade.objects.filter(code=filters.grade).exists():
        return Status(400, ErrorOut(detail=_("No grade has this code."), code="unknown_grade"))
    if filters.page < 1:
        return Status(400, ErrorOut(detail=_("Pages are numbered from 1."), code="bad_page"))
    query = RegisterQuery(
        text=filters.q,
        unit=filters.unit,
        discipline=discipline_id,
        grade=filters.grade,
        society=filters.society,
    )
    paginator = Paginator(register_entries(query=query), PAGE_SIZE)
    if filters.page > max(paginator.num_pages, 1):
        return Status(400, ErrorOut(detail=_("There is no page with this number."), code="bad_page"))
    page = paginator.page(filters.page)
    items = []
    for certificate in page.object_list:
        row = register_row(certificate)
        items.append(
            RegisterEntryOut(
                number=row.number,
                name=row.name,
                name_en=row.name_en or None,
                grade=row.grade,
                grade_code=row.grade_code,
                discipline=row.discipline or None,
                unit=row.unit or None,
                society=row.society,
                society_code=row.society_code,
                status=row.status,
                valid_until=row.valid_until,
            )
        )
    return Status(
        200,
        RegisterPageOut(
            count=paginator.count,
            page=page.number,
            pages=paginator.num_pages,
            page_size=PAGE_SIZE,
            items=items,
        ),
    )
