"""The one function that moves an application from one state to another."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.applications.transitions import REASON_REQUIRED, TRANSITIONS, Actor
from engcert.audit.domain import audit_event_append
from engcert.organisations.enums import OrganisationKind, Role
from engcert.organisations.models import Membership
from engcert.tasks_queue import task_enqueue_with_work


class TransitionError(Exception):
    """A move the table, the actor or the input does not allow; the message is for people."""


@dataclass(frozen=True)
class TransitionResult:
    application: Application
    changed: bool


# Society roles count only at the application's own society, the reviewer role only at the alliance.
SOCIETY_ACTORS = {Role.STAFF: Actor.STAFF, Role.EXAMINER: Actor.EXAMINER, Role.COMMITTEE: Actor.COMMITTEE}


def actor_roles(*, application: Application, user: User | None) -> frozenset[Actor]:
    """Which of the table's actors this user is for this application."""
    if user is None:
        return frozenset({Actor.SYSTEM})
    roles: set[Actor] = set()
    if application.applicant_id == user.pk:
        roles.add(Actor.APPLICANT)
    held = set(
        Membership.objects.filter(user=user, is_active=True)
        .filter(
            Q(organisation_id=application.batch.society_id, role__in=list(SOCIETY_ACTORS))
            | Q(organisation__kind=OrganisationKind.ALLIANCE, role=Role.ALLIANCE_REVIEWER)
        )
        .values_list("role", flat=True)
    )
    roles.update(actor for role, actor in SOCIETY_ACTORS.items() if role in held)
    if Role.ALLIANCE_REVIEWER in held:
        roles.add(Actor.ALLIANCE)
    return frozenset(roles)


def _may_fire(allowed: frozenset[Actor], *, application: Application, user: User | None) -> bool:
    # The applicant's own moves need no look-up of memberships.
    if user is not None and Actor.APPLICANT in allowed and application.applicant_id == user.pk:
        return True
    return bool(allowed & actor_roles(application=application, user=user))


def application_transition(
    *,
    application: Application,
    to_state: ApplicationState,
    by: User | None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    extra_updates: dict[str, Any] | None = None,
    expected_state: ApplicationState | None = None,
) -> TransitionResult:
    """Lock, check, write, audit, notify after commit. Repeating a finished move is a no-op.

    ``expected_state`` is the state the person saw when deciding: when the row has moved on
    since (another staff member decided first), the decision is refused rather than applied
    to a file the person has not seen.
    """
    reason = reason.strip()
    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related("batch").get(pk=application.pk)
        if locked.state == to_state:
            return TransitionResult(locked, changed=False)
        from_state = ApplicationState(locked.state)
        if expected_state is not None and from_state != expected_state:
            raise TransitionError(
                _(
                    "Someone else changed this application a moment ago: it is now “%(state)s”. "
                    "Please look at it again."
                )
                % {"state": from_state.label}
            )
        allowed = TRANSITIONS.get(from_state, {}).get(to_state)
        if allowed is None:
            raise TransitionError(
                _("An application that is “%(from)s” cannot become “%(to)s”.")
                % {"from": from_state.label, "to": to_state.label}
            )
        if not _may_fire(allowed, application=locked, user=by):
            raise TransitionError(_("You are not allowed to make this change."))
        if (from_state, to_state) in REASON_REQUIRED and not reason:
            raise TransitionError(_("Please give a reason."))
        now = timezone.now()
        locked.state = to_state
        locked.state_changed_at = now
        fields = ["state", "state_changed_at", "updated_at"]
        for name, value in (extra_updates or {}).items():
            setattr(locked, name, value)
            fields.append(name)
        locked.save(update_fields=fields)
        audit_event_append(
            actor=by,
            action="application.transition",
            subject=locked,
            application=locked,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data=data,
        )
        # The certificate's own email (number and download link) announces its issue.
        if to_state != ApplicationState.CERTIFICATE_ISSUED:
            _notify(locked.pk, from_state.value, to_state.value, reason)
    # The caller's instance reflects the move without another query.
    for name in fields:
        setattr(application, name, getattr(locked, name))
    return TransitionResult(application, changed=True)


def _notify(application_id: int, from_state: str, to_state: str, reason: str) -> None:
    from engcert.applications.tasks import application_notify_state_change

    task_enqueue_with_work(
        application_notify_state_change,
        application_id=application_id,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
    )
