"""Fetching a society's notices and objections for its staff: 404 for everyone else."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404

from engcert.accounts.models import User
from engcert.notices.models import Notice, Objection
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation


def get_society_for_notice_staff(*, user: User, code: str) -> Organisation:
    society = Organisation.objects.filter(kind=OrganisationKind.SOCIETY, code=code).first()
    if society is None or not user.has_perm("notices.manage_notices", society):
        raise Http404
    return society


def get_notice_for_staff(*, society: Organisation, uid: UUID) -> Notice:
    notice = (
        Notice.objects.select_related("batch__society", "published_by")
        .filter(uid=uid, batch__society=society)
        .first()
    )
    if notice is None:
        raise Http404
    return notice


def get_objection_for_staff(*, society: Organisation, uid: UUID) -> Objection:
    objection = (
        Objection.objects.select_related(
            "entry__notice__batch__society",
            "entry__application__unit",
            "entry__application__grade",
            "entry__application__awarded_grade",
            "entry__application__discipline__parent",
            "decided_by",
        )
        .filter(uid=uid, entry__notice__batch__society=society)
        .first()
    )
    if objection is None:
        raise Http404
    return objection
