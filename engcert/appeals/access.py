"""Fetching appeals for the person asking: 404 for anyone who is not to know of one, 403 for
those who may see it but not act on the page they asked for."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404

from engcert.accounts.models import User
from engcert.appeals.models import Appeal, AppealEvidence, PanelMember
from engcert.applications.models import Application
from engcert.organisations.models import Organisation

APPEAL_RELATED = (
    "application__batch__society",
    "application__applicant",
    "application__unit",
    "application__grade",
    "decision_event__actor",
    "panel_assigned_by",
    "outcome_by",
)


def get_application_for_appellant(*, user: User, uid: UUID) -> Application:
    """The applicant's own application; anyone else's is not found."""
    application = (
        Application.objects.select_related("batch__society", "applicant")
        .filter(uid=uid, applicant=user)
        .first()
    )
    if application is None:
        raise Http404
    return application


def get_appeal_for_staff(*, society: Organisation, pk: int) -> Appeal:
    appeal = (
        Appeal.objects.select_related(*APPEAL_RELATED)
        .filter(pk=pk, application__batch__society=society)
        .first()
    )
    if appeal is None:
        raise Http404
    return appeal


def may_manage(user: User, appeal: Appeal) -> bool:
    return user.has_perm("appeals.manage_appeals", appeal.application.batch.society)


def get_appeal_for_panel_member(*, user: User, uid: UUID) -> tuple[Appeal, PanelMember]:
    """A panel member's appeal and their seat. The society's staff may see the appeal (on their own
    page) but not record a panel member's view: 403. Anyone else: 404."""
    appeal = Appeal.objects.select_related(*APPEAL_RELATED).filter(uid=uid).first()
    if appeal is None:
        raise Http404
    member = PanelMember.objects.filter(appeal=appeal, user=user).first()
    if member is not None:
        return appeal, member
    if may_manage(user, appeal):
        raise PermissionDenied
    raise Http404


def get_evidence_for_user(*, user: User, uid: UUID, pk: int) -> AppealEvidence:
    """The candidate, the appeal's panel and the society's staff may read its evidence."""
    evidence = (
        AppealEvidence.objects.select_related(*(f"appeal__{name}" for name in APPEAL_RELATED))
        .filter(appeal__uid=uid, pk=pk)
        .first()
    )
    if evidence is None:
        raise Http404
    appeal = evidence.appeal
    allowed = (
        appeal.application.applicant_id == user.pk
        or PanelMember.objects.filter(appeal=appeal, user=user).exists()
        or may_manage(user, appeal)
    )
    if not allowed:
        raise Http404
    return evidence
