"""Reads the appeal pages share: the society's policy, the staff list, a candidate's appeals."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from engcert.accounts.models import User
from engcert.appeals.enums import DECIDED_STATUSES
from engcert.appeals.models import Appeal, AppealPolicy, PanelMember
from engcert.applications.models import Application
from engcert.organisations.models import Organisation


def appeal_policy_for(*, society: Organisation) -> AppealPolicy:
    """The society's policy, or its defaults (unsaved) until staff save one: reading never writes."""
    return AppealPolicy.objects.filter(society=society).first() or AppealPolicy(society=society)


@dataclass(frozen=True)
class AppealFilters:
    status: str = ""
    stage: str = ""
    query: str = ""


def appeal_list(*, society: Organisation, filters: AppealFilters | None = None) -> QuerySet[Appeal]:
    """The society's appeals, newest first, with what the list shows in one query."""
    filters = filters or AppealFilters()
    appeals = (
        Appeal.objects.filter(application__batch__society=society)
        .select_related("application__batch", "application__unit")
        .annotate(
            panel_count=Count("panel", distinct=True),
            views_count=Count("panel", filter=~Q(panel__view=""), distinct=True),
        )
        .order_by("-lodged_at", "-pk")
    )
    if filters.status:
        appeals = appeals.filter(status=filters.status)
    if filters.stage:
        appeals = appeals.filter(decision_stage=filters.stage)
    if filters.query:
        appeals = appeals.filter(
            Q(application__full_name__icontains=filters.query)
            | Q(application__number__icontains=filters.query)
            | Q(reference__icontains=filters.query)
        )
    return appeals


def appeal_latest_for(*, application: Application) -> Appeal | None:
    return Appeal.objects.filter(application=application).order_by("-lodged_at", "-pk").first()


def panel_member_appeals(*, user: User) -> QuerySet[PanelMember]:
    """The appeals this person sits on, open ones first."""
    return (
        PanelMember.objects.filter(user=user)
        .select_related("appeal__application__batch__society")
        .order_by("appeal__status", "-appeal__lodged_at")
    )


def appeal_is_decided(appeal: Appeal) -> bool:
    return appeal.status in DECIDED_STATUSES
