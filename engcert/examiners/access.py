"""Fetching what the staff pages act on: 404 for outsiders (other societies' staff too)."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.batches.models import Batch
from engcert.examiners.models import Examiner
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation

# Applications a panel page is about: waiting for an interview, or with one.
PANEL_STATES = (
    ApplicationState.REVIEW_PASSED,
    ApplicationState.INTERVIEW_SCHEDULED,
    ApplicationState.INTERVIEWED,
)


def get_society_for_pool(*, user: User, code: str) -> Organisation:
    society = Organisation.objects.filter(kind=OrganisationKind.SOCIETY, code=code).first()
    if society is None or not user.has_perm("examiners.manage_pool", society):
        raise Http404
    return society


def get_examiner_for_staff(*, user: User, code: str, pk: int) -> tuple[Organisation, Examiner]:
    society = get_society_for_pool(user=user, code=code)
    examiner = (
        Examiner.objects.select_related("user", "grade", "unit", "society")
        .filter(pk=pk, society=society)
        .first()
    )
    if examiner is None:
        raise Http404
    return society, examiner


def get_batch_for_panels(*, user: User, code: str, pk: int) -> tuple[Organisation, Batch]:
    society = get_society_for_pool(user=user, code=code)
    batch = Batch.objects.filter(pk=pk, society=society).select_related("society").first()
    if batch is None:
        raise Http404
    return society, batch


def get_application_for_panel(
    *, user: User, code: str, batch_pk: int, uid: UUID
) -> tuple[Organisation, Batch, Application]:
    society, batch = get_batch_for_panels(user=user, code=code, pk=batch_pk)
    application = (
        Application.objects.filter(uid=uid, batch=batch, state__in=PANEL_STATES)
        .select_related("batch", "batch__society", "discipline", "discipline__parent", "unit", "applicant")
        .first()
    )
    if application is None:
        raise Http404
    return society, batch, application
