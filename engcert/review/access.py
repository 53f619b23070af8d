"""Fetching an application for its society's staff: 404 for everyone else, other societies' staff too."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.applications.selectors import application_get_full
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation


def get_society_for_review(*, user: User, code: str) -> Organisation:
    society = Organisation.objects.filter(kind=OrganisationKind.SOCIETY, code=code).first()
    if society is None or not user.has_perm("review.review_initial", society):
        raise Http404
    return society


def get_application_for_review(
    *, user: User, society_code: str, uid: UUID
) -> tuple[Organisation, Application]:
    """The society and one of its submitted applications, with everything the file shows.

    A draft stays private to its applicant until it is submitted, so it is not found here either.
    """
    society = get_society_for_review(user=user, code=society_code)
    pk = (
        Application.objects.filter(uid=uid, batch__society=society)
        .exclude(state=ApplicationState.DRAFT)
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        raise Http404
    return society, application_get_full(pk=pk)
