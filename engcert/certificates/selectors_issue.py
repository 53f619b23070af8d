"""Reads of the issuing pages: the staff list of certificates, a member's certificates."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from engcert.accounts.models import User
from engcert.batches.models import Batch
from engcert.certificates.enums import CertificateSource, CertificateStatus
from engcert.certificates.models import Certificate
from engcert.frameworks.models import Grade
from engcert.organisations.models import Organisation

# Issued by engcert (the signed PDF stored) or imported from the society's earlier records.
ISSUED = Q(issued_at__isnull=False) | Q(source=CertificateSource.IMPORTED)


def certificate_staff_list(
    *,
    society: Organisation,
    query: str = "",
    batch: Batch | None = None,
    status: str = "",
    grade: Grade | None = None,
    order_by: tuple[str, ...] = ("-valid_from", "-pk"),
) -> QuerySet[Certificate]:
    """The society's certificates, filtered; `status` is the status the public sees today."""
    certificates = Certificate.objects.filter(ISSUED, society=society)
    query = query.strip()
    if query:
        certificates = certificates.filter(
            Q(number__icontains=query)
            | Q(full_name__icontains=query)
            | Q(full_name_en__icontains=query)
            | Q(registration__member_number__icontains=query)
        )
    if batch is not None:
        certificates = certificates.filter(registration__application__batch=batch)
    if grade is not None:
        certificates = certificates.filter(grade=grade)
    today = timezone.localdate()
    if status == CertificateStatus.VALID:
        certificates = certificates.filter(status=CertificateStatus.VALID, valid_until__gte=today)
    elif status == CertificateStatus.EXPIRED:
        certificates = certificates.filter(
            Q(status=CertificateStatus.EXPIRED) | Q(status=CertificateStatus.VALID, valid_until__lt=today)
        )
    elif status:
        certificates = certificates.filter(status=status)
    return certificates.select_related(
        "grade", "discipline__parent", "registration__application__batch", "registration__unit"
    ).order_by(*order_by)


def certificates_of_holder(*, user: User) -> QuerySet[Certificate]:
    """A member's certificates, newest term first, of every society they are registered with."""
    return (
        Certificate.objects.filter(ISSUED, registration__holder=user)
        .select_related("society", "grade", "discipline__parent", "registration")
        .order_by("-valid_from", "-term", "-pk")
    )
