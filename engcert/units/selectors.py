"""Reads of units: a society's units with their administrators, a unit's engineers and the
invitations it sent. Lists read a fixed number of queries whatever their length."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.batches.enums import BatchStatus
from engcert.batches.models import Batch
from engcert.organisations.enums import OrganisationKind, Role
from engcert.organisations.models import Membership, Organisation
from engcert.units.enums import AdminRequestState
from engcert.units.models import AdminInvitation, AdminRequest, EngineerInvitation


def units_administered(*, user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        kind=OrganisationKind.UNIT,
        memberships__user=user,
        memberships__role=Role.UNIT_ADMIN,
        memberships__is_active=True,
    ).select_related("society")


def unit_list_for_staff(*, society: Organisation) -> QuerySet[Organisation]:
    """The society's units, each with its active administrators and its open invitations."""
    return (
        Organisation.objects.filter(kind=OrganisationKind.UNIT, society=society)
        .order_by("name")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(role=Role.UNIT_ADMIN, is_active=True)
                .select_related("user")
                .order_by("created_at"),
                to_attr="admin_memberships",
            ),
            Prefetch(
                "admin_invitations",
                queryset=AdminInvitation.objects.filter(
                    accepted_at__isnull=True, expires_at__gt=timezone.now()
                ).order_by("-created_at"),
                to_attr="open_invitations",
            ),
        )
    )


def admin_requests_pending(*, society: Organisation) -> QuerySet[AdminRequest]:
    return (
        AdminRequest.objects.filter(unit__society=society, state=AdminRequestState.PENDING)
        .select_related("unit", "user")
        .order_by("created_at")
    )


def unit_engineer_list(*, unit: Organisation, batch: Batch | None = None) -> QuerySet[Application]:
    """The submitted applications that name the unit (a draft is its applicant's alone), with
    only what the unit may read: never ID numbers, scores or anything of the evaluation."""
    applications = (
        Application.objects.filter(unit=unit)
        .exclude(state=ApplicationState.DRAFT)
        .select_related("batch", "grade", "discipline", "discipline__parent", "unit_endorsement")
        .only(
            "uid",
            "number",
            "state",
            "full_name",
            "submitted_at",
            "unit_id",
            "batch__name",
            "batch__name_en",
            "batch__code",
            "grade__name",
            "grade__name_en",
            "grade__code",
            "discipline__name",
            "discipline__name_en",
            "discipline__parent__name",
            "discipline__parent__name_en",
            "unit_endorsement__decision",
            "unit_endorsement__reason",
            "unit_endorsement__decided_at",
        )
        .order_by("-submitted_at", "-pk")
    )
    if batch is not None:
        applications = applications.filter(batch=batch)
    return applications


def engineer_invitation_list(*, unit: Organisation) -> QuerySet[EngineerInvitation]:
    """The unit's invitations to apply, each marked with whether the person has since submitted
    an application in that call naming the unit."""
    applied = Application.objects.filter(
        batch=OuterRef("batch"), unit=OuterRef("unit"), applicant__email__iexact=OuterRef("email")
    ).exclude(state=ApplicationState.DRAFT)
    return (
        EngineerInvitation.objects.filter(unit=unit)
        .select_related("batch", "invited_by")
        .annotate(applied=Exists(applied))
        .order_by("-created_at", "-pk")
    )


def open_batches(*, unit: Organisation) -> QuerySet[Batch]:
    """The calls of the unit's society open for applications now and open to this unit."""
    now = timezone.now()
    return (
        Batch.objects.filter(
            society_id=unit.society_id, status=BatchStatus.PUBLISHED, opens_at__lte=now, closes_at__gt=now
        )
        .filter(Q(open_to_all_units=True) | Q(eligible_units=unit))
        .distinct()
        .order_by("-opens_at")
    )


def roster_batches(*, unit: Organisation) -> list[Batch]:
    """The batches in which the unit's engineers have submitted applications: those it has a
    roster for."""
    return list(
        Batch.objects.filter(
            pk__in=Application.objects.filter(unit=unit).exclude(state=ApplicationState.DRAFT).values("batch")
        ).order_by("-opens_at")
    )
