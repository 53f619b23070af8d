"""What happens to units: staff invite administrators or decide on requests to administer a
unit; administrators keep the unit's profile, invite their engineers and endorse or decline the
applications that name the unit. Every change is audited; emails go after the commit."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.models import Application
from engcert.audit.domain import audit_event_append
from engcert.batches.models import Batch
from engcert.deadlines.domain.checks import DeadlinePassed, roster_deadline_assert_open
from engcert.organisations.enums import OrganisationKind, Role
from engcert.organisations.models import Membership, Organisation
from engcert.tasks_queue import task_enqueue_with_work
from engcert.units.enums import (
    ADMIN_REQUEST_TRANSITIONS,
    ENDORSEMENT_TRANSITIONS,
    AdminRequestState,
    EndorsementDecision,
)
from engcert.units.models import AdminInvitation, AdminRequest, Endorsement, EngineerInvitation, UnitProfile

INVITATION_VALID_DAYS = 14
# More addresses than a unit sends at once; a pasted address book should be split up.
MAX_ENGINEERS_AT_ONCE = 50
ORGANISATION_FIELDS = ("name", "name_en", "credit_code", "head_name", "head_title")
PROFILE_FIELDS = ("address", "postcode", "contact_name", "contact_phone", "contact_email")


class UnitError(Exception):
    """A step that cannot be taken now; the message is for people."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _admin_role_grant(*, user: User, unit: Organisation) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=unit, role=Role.UNIT_ADMIN, defaults={"is_active": True}
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    return membership


# Administrators: invited by staff ---------------------------------------------------------------


def unit_admin_invite(*, unit: Organisation, email: str, by: User) -> AdminInvitation:
    """Invite someone to administer the unit; the email with their link goes after the commit."""
    if unit.kind != OrganisationKind.UNIT:
        raise UnitError(_("Only a unit has administrators."))
    if not by.has_perm("batches.manage_batches", unit.society):
        raise UnitError(_("Only the society's staff can invite a unit's administrators."))
    email = email.strip().lower()
    if Membership.objects.filter(
        user__email__iexact=email, organisation=unit, role=Role.UNIT_ADMIN, is_active=True
    ).exists():
        raise UnitError(_("%(email)s already administers this unit.") % {"email": email})
    with transaction.atomic():
        invitation = AdminInvitation.objects.create(
            unit=unit,
            email=email,
            invited_by=by,
            expires_at=timezone.now() + timedelta(days=INVITATION_VALID_DAYS),
        )
        audit_event_append(actor=by, action="unit.admin_invite", subject=unit, data={"email": email})
        _admin_invitation_deliver_later(invitation.pk)
    return invitation


def _admin_invitation_deliver_later(invitation_id: int) -> None:
    from engcert.units.tasks import admin_invitation_deliver

    task_enqueue_with_work(admin_invitation_deliver, invitation_id=invitation_id)


def unit_admin_invitation_token_issue(*, invitation: AdminInvitation) -> str:
    """A new token for the invitation's link; only its hash is kept, an earlier link stops working."""
    token = secrets.token_urlsafe(32)
    invitation.token_hash = token_hash(token)
    invitation.save(update_fields=["token_hash"])
    return token


def unit_admin_invitation_get(*, token: str) -> AdminInvitation | None:
    """The open invitation a link points to; None for a wrong, used or expired link."""
    if not token:
        return None
    return (
        AdminInvitation.objects.select_related("unit", "unit__society")
        .filter(token_hash=token_hash(token), accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def unit_admin_invitation_accept(*, invitation: AdminInvitation, user: User) -> Membership:
    """The invited person, signed in with the invited address, becomes the unit's administrator."""
    if user.email.strip().lower() != invitation.email:
        raise UnitError(
            _("This invitation was sent to %(email)s. Please sign in with that address.")
            % {"email": invitation.email}
        )
    with transaction.atomic():
        locked = AdminInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise UnitError(_("This invitation has already been used."))
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
        membership = _admin_role_grant(user=user, unit=locked.unit)
        audit_event_append(
            actor=user, action="unit.admin_accept", subject=locked.unit, data={"invitation": locked.pk}
        )
    return membership


def unit_admin_remove(*, membership: Membership, by: User, reason: str) -> None:
    """Staff end someone's administration of a unit."""
    reason = reason.strip()
    if not reason:
        raise UnitError(_("Please give a reason."))
    if not by.has_perm("batches.manage_batches", membership.organisation.society):
        raise UnitError(_("Only the society's staff can remove a unit's administrators."))
    with transaction.atomic():
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        audit_event_append(
            actor=by,
            action="unit.admin_remove",
            subject=membership.organisation,
            reason=reason,
            data={"user": membership.user_id},
        )


# Administrators: asking to administer a unit ----------------------------------------------------


def unit_admin_request_create(*, unit: Organisation, user: User, position: str, note: str) -> AdminRequest:
    if unit.kind != OrganisationKind.UNIT or not unit.is_active:
        raise UnitError(_("Please choose a unit."))
    if Membership.objects.filter(user=user, organisation=unit, role=Role.UNIT_ADMIN, is_active=True).exists():
        raise UnitError(_("You already administer this unit."))
    position = position.strip()
    if not position:
        raise UnitError(_("Please give your department and position."))
    try:
        with transaction.atomic():
            request = AdminRequest.objects.create(unit=unit, user=user, position=position, note=note.strip())
            audit_event_append(
                actor=user, action="unit.admin_request", subject=unit, data={"request": request.pk}
            )
    except IntegrityError:
        raise UnitError(
            _("You have already asked to administer this unit; the society will answer.")
        ) from None
    return request


def unit_admin_request_decide(
    *, request: AdminRequest, to_state: AdminRequestState, by: User, reason: str = ""
) -> AdminRequest:
    """The one transition function of a request: staff approve (the person becomes an
    administrator) or decline it with a reason; the person is told by email."""
    reason = reason.strip()
    with transaction.atomic():
        locked = AdminRequest.objects.select_for_update().select_related("unit", "user").get(pk=request.pk)
        if locked.state == to_state:
            return locked
        if to_state not in ADMIN_REQUEST_TRANSITIONS[locked.state]:
            raise UnitError(_("This request has already been decided."))
        if not by.has_perm("batches.manage_batches", locked.unit.society):
            raise UnitError(_("Only the society's staff can decide on this request."))
        if to_state == AdminRequestState.DECLINED and not reason:
            raise UnitError(_("Please give a reason."))
        from_state = locked.state
        locked.state = to_state
        locked.reason = reason
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save(update_fields=["state", "reason", "decided_by", "decided_at"])
        if to_state == AdminRequestState.APPROVED:
            _admin_role_grant(user=locked.user, unit=locked.unit)
        audit_event_append(
            actor=by,
            action="unit.admin_request_decide",
            subject=locked.unit,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data={"request": locked.pk, "user": locked.user_id},
        )
        _admin_request_notify_later(locked.pk)
    return locked


def _admin_request_notify_later(request_id: int) -> None:
    from engcert.units.tasks import admin_request_notify

    task_enqueue_with_work(admin_request_notify, request_id=request_id)


# The unit's profile -----------------------------------------------------------------------------


def unit_profile_get(*, unit: Organisation) -> UnitProfile:
    profile = UnitProfile.objects.filter(unit=unit).first()
    return profile if profile is not None else UnitProfile(unit=unit)


def unit_profile_save(*, unit: Organisation, values: dict[str, Any], by: User) -> UnitProfile:
    """Save what the administrator changed: the organisation's names and codes and the profile."""
    if not by.has_perm("units.administer_unit", unit):
        raise UnitError(_("Only the unit's administrators can change its profile."))
    with transaction.atomic():
        profile = UnitProfile.objects.select_for_update().filter(unit=unit).first() or UnitProfile(unit=unit)
        changed = sorted(
            name
            for name in (*ORGANISATION_FIELDS, *PROFILE_FIELDS)
            if name in values
            and getattr(unit if name in ORGANISATION_FIELDS else profile, name) != values[name]
        )
        for name in ORGANISATION_FIELDS:
            if name in values:
                setattr(unit, name, values[name])
        unit.save(update_fields=[name for name in ORGANISATION_FIELDS if name in values])
        for name in PROFILE_FIELDS:
            if name in values:
                setattr(profile, name, values[name])
        profile.save()
        audit_event_append(actor=by, action="unit.profile_save", subject=unit, data={"changed": changed})
    return profile


# Inviting engineers to apply --------------------------------------------------------------------


def engineers_invite(
    *, unit: Organisation, batch: Batch, people: list[tuple[str, str]], by: User
) -> list[EngineerInvitation]:
    """Invite engineers (email, name) to apply in an open call of the unit's society; an address
    already invited to this call is skipped. Returns the invitations made now."""
    if not by.has_perm("units.administer_unit", unit):
        raise UnitError(_("Only the unit's administrators can invite its engineers."))
    from engcert.units.selectors import open_batches

    if not open_batches(unit=unit).filter(pk=batch.pk).exists():
        raise UnitError(_("Please choose a call that is open now."))
    if len(people) > MAX_ENGINEERS_AT_ONCE:
        raise UnitError(
            _("Please invite at most %(count)d people at once.") % {"count": MAX_ENGINEERS_AT_ONCE}
        )
    with transaction.atomic():
        already = set(
            EngineerInvitation.objects.filter(unit=unit, batch=batch).values_list("email", flat=True)
        )
        created: list[EngineerInvitation] = []
        for email, name in people:
            email = email.strip().lower()
            if email in already:
                continue
            already.add(email)
            created.append(
                EngineerInvitation.objects.create(
                    unit=unit, batch=batch, email=email, name=name.strip()[:100], invited_by=by
                )
            )
        if created:
            audit_event_append(
                actor=by,
                action="unit.engineers_invite",
                subject=unit,
                data={"batch": batch.pk, "invitations": [row.pk for row in created]},
            )
            ids = [row.pk for row in created]
            _engineer_invitations_send_later(ids)
    return created


def _engineer_invitations_send_later(ids: list[int]) -> None:
    from engcert.units.tasks import engineer_invitation_send

    for invitation_id in ids:
        task_enqueue_with_work(engineer_invitation_send, invitation_id=invitation_id)


# Endorsing applications -------------------------------------------------------------------------


def endorsement_get(*, application: Application) -> Endorsement | None:
    return Endorsement.objects.filter(application=application).select_related("decided_by").first()


def endorsement_decide(
    *, application: Application, to_decision: EndorsementDecision, by: User, reason: str = ""
) -> Endorsement:
    """The one transition function of an endorsement. An endorsement ticks nothing in the
    society's checklist: staff still tick it, and see the unit's word beside it."""
    reason = reason.strip()
    with transaction.atomic():
        locked_application = Application.objects.select_for_update().get(pk=application.pk)
        if not by.has_perm("units.endorse_application", locked_application):
            raise UnitError(_("This application cannot be endorsed by you now."))
        # After the roster deadline the unit's word stands, unless staff extended it for the unit.
        try:
            roster_deadline_assert_open(batch=locked_application.batch, unit=locked_application.unit)
        except DeadlinePassed as error:
            raise UnitError(str(error)) from error
        endorsement, _created = Endorsement.objects.select_for_update().get_or_create(
            application=locked_application, defaults={"unit_id": locked_application.unit_id}
        )
        if endorsement.decision == to_decision and endorsement.reason == reason:
            return endorsement
        if (
            endorsement.decision != to_decision
            and to_decision not in ENDORSEMENT_TRANSITIONS[endorsement.decision]
        ):
            raise UnitError(_("This decision cannot be made now."))
        if to_decision == EndorsementDecision.DECLINED and not reason:
            raise UnitError(_("Please give a reason for declining."))
        from_decision = endorsement.decision
        endorsement.decision = to_decision
        endorsement.reason = reason
        endorsement.decided_by = by
        endorsement.decided_at = timezone.now()
        endorsement.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
        audit_event_append(
            actor=by,
            action="unit.endorsement",
            subject=endorsement,
            application=locked_application,
            from_state=from_decision,
            to_state=to_decision,
            reason=reason,
        )
    return endorsement
