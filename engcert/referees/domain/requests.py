"""Asking referees to confirm the claims that name them, and what follows: the email with its
link, the answer, a bounce, a replacement by the applicant and the reminders.

A request moves through one transition table by one transition function; every step is audited.
A referee is asked once per person (grouped by normalised email) about every claim that names
them and is not answered yet; an answered claim that has not changed is never asked again.
"""

from __future__ import annotations

import hashlib
import secrets
import smtplib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application, Project, WorkEntry
from engcert.audit.domain import audit_event_append
from engcert.outbox.domain import outbox_about
from engcert.referees.domain.claims import ClaimSource, claim_sources, email_normalise
from engcert.referees.enums import REPLACEABLE, UNANSWERED, ClaimKind, RequestState, Verdict
from engcert.referees.models import RefereeClaim, RefereeRequest, RefereeToken
from engcert.referees.selectors import (
    referee_claim_status,
    referee_claims_latest,
    referee_claims_of,
    referee_policy_get,
)
from engcert.tasks_queue import task_enqueue_with_work


class RefereeError(Exception):
    """A step that cannot be taken; the message is for the person who tried."""


class AlreadyAnswered(RefereeError):
    def __init__(self, answered_at: datetime) -> None:
        self.answered_at = answered_at
        super().__init__(
            _("You answered on %(time)s; contact the society to change your answer.")
            % {"time": timezone.localtime(answered_at).strftime("%Y-%m-%d %H:%M")}
        )


# Who moves a request: the platform itself (a submission, the email's delivery), the society's
# staff, the applicant (replacing a referee) and the referee (answering).
SYSTEM, STAFF, APPLICANT, REFEREE = "system", "staff", "applicant", "referee"

S = RequestState
TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    # A referee may open the link before the delivery is recorded.
    S.PENDING: {
        S.SENT: frozenset({SYSTEM}),
        S.ANSWERED: frozenset({REFEREE}),
        S.UNDELIVERABLE: frozenset({SYSTEM}),
        S.WITHDRAWN: frozenset({SYSTEM, STAFF, APPLICANT}),
    },
    S.SENT: {
        S.ANSWERED: frozenset({REFEREE}),
        S.UNDELIVERABLE: frozenset({SYSTEM, STAFF}),
        S.WITHDRAWN: frozenset({SYSTEM, STAFF, APPLICANT}),
    },
    # An address staff marked as bounced may still have received the email: its referee may answer.
    S.UNDELIVERABLE: {
        S.ANSWERED: frozenset({REFEREE}),
        S.WITHDRAWN: frozenset({SYSTEM, STAFF, APPLICANT}),
    },
    S.ANSWERED: {},
    S.WITHDRAWN: {},
}


def referee_request_transition(
    *,
    request: RefereeRequest,
    to_state: RequestState,
    actor: str,
    by: User | None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    extra_updates: dict[str, Any] | None = None,
) -> RefereeRequest:
    """Move one request along the table: locked, idempotent, audited."""
    with transaction.atomic():
        locked = RefereeRequest.objects.select_for_update().select_related("application").get(pk=request.pk)
        if locked.state == to_state:
            return locked
        allowed = TRANSITIONS[locked.state].get(to_state, frozenset())
        if actor not in allowed:
            raise RefereeError(
                _("This request is “%(state)s”; it cannot become “%(target)s”.")
                % {"state": locked.get_state_display(), "target": to_state.label}
            )
        from_state = locked.state
        now = timezone.now()
        locked.state = to_state
        locked.state_changed_at = now
        locked.state_reason = reason
        fields = ["state", "state_changed_at", "state_reason"]
        for name, value in (extra_updates or {}).items():
            setattr(locked, name, value)
            fields.append(name)
        locked.save(update_fields=fields)
        audit_event_append(
            actor=by,
            action=f"referees.request_{to_state}",
            subject=locked,
            application=locked.application,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data={"referee": locked.email, "by": actor, **(data or {})},
        )
    return locked


# Asking ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    ask: dict[str, list[ClaimSource]]  # email → the claims to put to that referee
    withdraw: set[int]  # ids of unanswered requests whose link stops working


def _plan(*, sources: list[ClaimSource], claims: list[RefereeClaim], force: bool, now: datetime) -> _Plan:
    latest = referee_claims_latest(claims)
    current = {source.key: source for source in sources}

    def settled(source: ClaimSource) -> bool:
        claim = latest.get(source.key)
        return (
            claim is not None
            and claim.fingerprint == source.fingerprint
            and claim.request.state == RequestState.ANSWERED
        )

    def waiting(source: ClaimSource) -> bool:
        """Asked about exactly this, by a link that is still out (or bounced: asking the same
        address again would bounce again; the applicant replaces the referee instead)."""
        claim = latest.get(source.key)
        if claim is None or claim.fingerprint != source.fingerprint or claim.replaced_at is not None:
            return False
        request = claim.request
        if request.state == RequestState.UNDELIVERABLE:
            return True
        return request.state in (RequestState.PENDING, RequestState.SENT) and not request.is_expired(now)

    unsettled = [source for source in sources if source.referee.email and not settled(source)]
    needs = {source.key for source in unsettled if force or not waiting(source)}
    open_requests: dict[int, list[RefereeClaim]] = defaultdict(list)
    for claim in claims:
        if claim.request.state in UNANSWERED:
            open_requests[claim.request_id].append(claim)
    withdraw: set[int] = set()
    # Until nothing moves: a request is withdrawn when one of its claims is asked again or is no
    # longer in the application; a referee asked about one claim is asked about all their open ones.
    while True:
        before = (len(needs), len(withdraw))
        for request_id, request_claims in open_requests.items():
            if request_id in withdraw:
                continue
            for claim in request_claims:
                key = (claim.kind, claim.source_id) if claim.source_id is not None else None
                gone = key is None or key not in current or current[key].fingerprint != claim.fingerprint
                if gone or key in needs:
                    withdraw.add(request_id)
                    break
        for source in unsettled:
            asked = latest.get(source.key)
            if asked is not None and asked.request_id in withdraw:
                needs.add(source.key)
        asked_emails = {source.referee.email for source in unsettled if source.key in needs}
        needs |= {source.key for source in unsettled if source.referee.email in asked_emails}
        if (len(needs), len(withdraw)) == before:
            break
    ask: dict[str, list[ClaimSource]] = defaultdict(list)
    for source in unsettled:
        if source.key in needs:
            ask[source.referee.email].append(source)
    return _Plan(ask=dict(ask), withdraw=withdraw)


def referees_ask(*, application: Application, by: User | None, force: bool = False) -> list[RefereeRequest]:
    """Ask every referee whose claims are not answered and not already asked by a link that is
    still out; with ``force`` (staff asking again) links still out are sent anew too.

    Returns the new requests; each is emailed once the transaction commits."""
    actor = SYSTEM if by is None else (APPLICANT if by.pk == application.applicant_id else STAFF)
    now = timezone.now()
    with transaction.atomic():
        # One ask at a time per application: the submission's and a staff member's never cross.
        locked = (
            Application.objects.select_for_update().select_related("batch__society").get(pk=application.pk)
        )
        sources = claim_sources(
            application=locked,
            projects=Project.objects.filter(application=locked).order_by("start_date", "pk"),
            work=WorkEntry.objects.filter(application=locked).order_by("start_date", "pk"),
        )
        claims = referee_claims_of(application=locked)
        plan = _plan(sources=sources, claims=claims, force=force, now=now)
        for request in RefereeRequest.objects.filter(pk__in=plan.withdraw).order_by("pk"):
            referee_request_transition(
                request=request,
                to_state=RequestState.WITHDRAWN,
                actor=actor,
                by=by,
                reason=_("Asked again"),
            )
        policy = referee_policy_get(society=locked.batch.society)
        created = []
        for email, group in plan.ask.items():
            referee = group[0].referee
            request = RefereeRequest.objects.create(
                application=locked,
                name=referee.name,
                position=referee.position,
                organisation=referee.organisation,
                email=email,
                phone=referee.phone,
                created_by=by,
                created_at=now,
                expires_at=now + timedelta(days=policy.link_valid_days),
            )
            RefereeClaim.objects.bulk_create(
                [
                    RefereeClaim(
                        request=request,
                        kind=source.kind,
                        project=source.row if source.kind == ClaimKind.PROJECT else None,  # type: ignore[misc]
                        work_entry=source.row if source.kind == ClaimKind.WORK else None,  # type: ignore[misc]
                        fingerprint=source.fingerprint,
                        facts=source.facts,
                    )
                    for source in group
                ]
            )
            audit_event_append(
                actor=by,
                action="referees.asked",
                subject=request,
                application=locked,
                to_state=RequestState.PENDING,
                data={
                    "referee": email,
                    "by": actor,
                    "force": force,
                    "claims": [[source.kind.value, source.row.pk] for source in group],
                },
            )
            created.append(request)
        _deliver_later([request.pk for request in created])
    return created


def _deliver_later(request_ids: Iterable[int]) -> None:
    from engcert.referees.tasks import referee_request_deliver_task

    for request_id in request_ids:
        task_enqueue_with_work(referee_request_deliver_task, request_id=request_id)


def referees_ask_after_submit(*, application_id: int) -> list[RefereeRequest]:
    """What a submission or resubmission sets going: the referees of new and changed claims are asked.
    A file withdrawn or rejected before the task ran is left alone (staff may still ask)."""
    application = Application.objects.get(pk=application_id)
    if application.state in (ApplicationState.WITHDRAWN, ApplicationState.REJECTED):
        return []
    return referees_ask(application=application, by=None)


def referees_ask_by_staff(*, application: Application, by: User) -> list[RefereeRequest]:
    """Staff ask (again): every claim not answered yet is sent a fresh link."""
    if not by.has_perm("referees.manage_referees", application.batch.society):
        raise RefereeError(_("Only the society's staff can ask the referees."))
    return referees_ask(application=application, by=by, force=True)


# The email and its link --------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def referee_token_issue(*, request: RefereeRequest) -> str:
    """A new random token for the request's link; earlier links of the request stop working.
    Only its hash is stored: the token itself exists in the email alone."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        RefereeToken.objects.filter(request=request, retired_at__isnull=True).update(retired_at=now)
        RefereeToken.objects.create(request=request, token_hash=token_hash(token), issued_at=now)
    return token


def referee_request_deliver(*, request_id: int, reminder_days: list[int] | None = None) -> RequestState:
    """Email the referee their link (the first ask, or a reminder). An address the mail server
    refuses marks the request undeliverable, for the applicant to replace the referee."""
    from engcert.referees.emails import referee_email_send

    request = RefereeRequest.objects.select_related(
        "application__batch__society", "application__applicant"
    ).get(pk=request_id)
    # The first email goes once; a reminder only to a link still out.
    expected = RequestState.SENT if reminder_days is not None else RequestState.PENDING
    if request.state != expected:
        return RequestState(request.state)
    reminder = reminder_days is not None
    try:
        # The email (written to the outbox) and the request's new state commit together; a
        # refusal the mail server sends later reaches referee_request_refused.
        with transaction.atomic():
            token = referee_token_issue(request=request)
            with outbox_about(f"{REFUSAL_KIND}:{request.pk}"):
                referee_email_send(request=request, token=token, reminder=reminder)
            _record_sent(request=request, reminder_days=reminder_days)
    except smtplib.SMTPRecipientsRefused as error:  # a mail backend that sends at once
        refusal = "; ".join(
            f"{code} {message.decode('utf-8', 'replace') if isinstance(message, bytes) else message}"
            for code, message in error.recipients.values()
        )
        referee_request_refused(str(request.pk), refusal)
        return RequestState.UNDELIVERABLE
    return RequestState.SENT


REFUSAL_KIND = "referees.request"


def referee_request_refused(request_id: str, refusal: str) -> None:
    """The mail server refused the referee's address for good: the request could not be
    delivered, for the applicant to replace the referee. A request answered or withdrawn
    meanwhile stays as it is."""
    request = RefereeRequest.objects.filter(pk=int(request_id)).first()
    if request is None or request.state not in (RequestState.PENDING, RequestState.SENT):
        return
    referee_request_transition(
        request=request,
        to_state=RequestState.UNDELIVERABLE,
        actor=SYSTEM,
        by=None,
        reason=_("The mail server refused the address: %(refusal)s") % {"refusal": refusal},
        data={"smtp": refusal},
    )


def _record_sent(*, request: RefereeRequest, reminder_days: list[int] | None) -> None:
    now = timezone.now()
    if request.state == RequestState.PENDING:
        referee_request_transition(
            request=request,
            to_state=RequestState.SENT,
            actor=SYSTEM,
            by=None,
            extra_updates={"sent_at": now, "last_sent_at": now},
        )
    else:
        with transaction.atomic():
            RefereeRequest.objects.filter(pk=request.pk).update(last_sent_at=now)
            audit_event_append(
                actor=None,
                action="referees.reminded",
                subject=request,
                application=request.application,
                data={"referee": request.email, "after_days": reminder_days or []},
            )


def referee_request_mark_bounced(*, request: RefereeRequest, by: User, note: str) -> RefereeRequest:
    """Staff record a bounce that came back after sending (a delivery status notification)."""
    if not by.has_perm("referees.manage_referees", request.application.batch.society):
        raise RefereeError(_("Only the society's staff can mark an address as bounced."))
    if not note.strip():
        raise RefereeError(_("Say what came back, e.g. the bounce message."))
    return referee_request_transition(
        request=request,
        to_state=RequestState.UNDELIVERABLE,
        actor=STAFF,
        by=by,
        reason=note.strip(),
        data={"marked_by_hand": True},
    )


# Reminders ----------------------------------------------------------------------------------------


def _reminders_claim(*, request_id: int, now: datetime) -> list[int]:
    """Record, under a lock, the reminder thresholds now due for a request; [] when none (or when
    another run took them first). Several thresholds passed at once give one reminder."""
    with transaction.atomic():
        request = (
            RefereeRequest.objects.select_for_update(skip_locked=True)
            .select_related("application__batch__society")
            .filter(pk=request_id, state=RequestState.SENT)
            .first()
        )
        if request is None or request.sent_at is None or request.is_expired(now):
            return []
        policy = referee_policy_get(society=request.application.batch.society)
        waited = now - request.sent_at
        done = set(request.reminders_done or [])
        due = sorted(
            int(days)
            for days in policy.reminder_days or []
            if waited >= timedelta(days=int(days)) and int(days) not in done
        )
        if not due:
            return []
        request.reminders_done = sorted(done | set(due))
        request.save(update_fields=["reminders_done"])
    return due


def referee_reminders_send(*, now: datetime | None = None) -> int:
    """Remind every referee who has not answered, once per threshold of their society's policy.
    Safe to run from cron as often as wanted, and by two runs at once. Returns how many were sent."""
    now = now or timezone.now()
    candidates = RefereeRequest.objects.filter(
        state=RequestState.SENT, sent_at__isnull=False, expires_at__gt=now
    ).values_list("pk", flat=True)
    sent = 0
    for request_id in list(candidates):
        due = _reminders_claim(request_id=request_id, now=now)
        if due:
            referee_request_deliver(request_id=request_id, reminder_days=due)
            sent += 1
    return sent


# The referee's answer -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    verdict: Verdict
    comment: str


def referee_answer_record(*, request: RefereeRequest, answers: dict[int, Answer]) -> RefereeRequest:
    """Record the referee's answer about each claim of the request, once: the first answer stands."""
    with transaction.atomic():
        locked = RefereeRequest.objects.select_for_update().select_related("application").get(pk=request.pk)
        if locked.state == RequestState.ANSWERED and locked.answered_at is not None:
            raise AlreadyAnswered(locked.answered_at)
        if locked.state not in UNANSWERED:
            raise RefereeError(_("This link no longer works."))
        now = timezone.now()
        if locked.is_expired(now):
            raise RefereeError(_("This link has expired."))
        claims = list(locked.claims.filter(replaced_at__isnull=True).order_by("pk"))
        if {claim.pk for claim in claims} != set(answers):
            raise RefereeError(_("Answer about each item shown."))
        for claim in claims:
            answer = answers[claim.pk]
            if answer.verdict != Verdict.CONFIRMED and not answer.comment.strip():
                raise RefereeError(_("Say in a comment what is not accurate or what you can say."))
            claim.verdict = answer.verdict
            claim.comment = answer.comment.strip()
        RefereeClaim.objects.bulk_update(claims, ["verdict", "comment"])
        referee_request_transition(
            request=locked,
            to_state=RequestState.ANSWERED,
            actor=REFEREE,
            by=None,
            data={"answers": {str(claim.uid): claim.verdict for claim in claims}},
            extra_updates={"answered_at": now},
        )
        locked.refresh_from_db()
    return locked


# Replacement by the applicant ------------------------------------------------------------------


@dataclass(frozen=True)
class NewReferee:
    name: str
    position: str
    organisation: str
    email: str
    phone: str


def referee_replace(
    *, claim: RefereeClaim, by: User, referee: NewReferee, reason: str
) -> list[RefereeRequest]:
    """The applicant names another person for a claim whose referee has not answered (or whose
    address bounced): the claim's referee is changed, the old link stops working, the new
    referee is asked. Returns the requests sent."""
    application = claim.request.application
    if not by.has_perm("referees.replace_referee", application):
        raise RefereeError(_("Only the applicant can replace a referee while the application is evaluated."))
    if not reason.strip():
        raise RefereeError(_("Say why you replace the referee."))
    with transaction.atomic():
        Application.objects.select_for_update().filter(pk=application.pk).first()
        latest = referee_claims_latest(referee_claims_of(application=application))
        key = (claim.kind, claim.source_id) if claim.source_id is not None else None
        current = latest.get(key) if key is not None else None
        if current is None or current.pk != claim.pk:
            raise RefereeError(_("This referee has been replaced or asked again already; reload the page."))
        if referee_claim_status(current) not in REPLACEABLE:
            raise RefereeError(_("This referee has answered already; their answer stands."))
        row: Project | WorkEntry | None = (
            current.project if current.kind == ClaimKind.PROJECT else current.work_entry
        )
        if row is None:
            raise RefereeError(_("This item is no longer in the application."))
        before = {
            "name": row.referee_name,
            "position": row.referee_position,
            "organisation": row.referee_organisation,
            "email": row.referee_email,
            "phone": row.referee_phone,
        }
        row.referee_name = referee.name.strip()
        row.referee_position = referee.position.strip()
        row.referee_organisation = referee.organisation.strip()
        row.referee_email = email_normalise(referee.email)
        row.referee_phone = referee.phone.strip()
        row.save(
            update_fields=[
                "referee_name",
                "referee_position",
                "referee_organisation",
                "referee_email",
                "referee_phone",
            ]
        )
        now = timezone.now()
        RefereeClaim.objects.filter(pk=current.pk).update(replaced_at=now, replaced_reason=reason.strip())
        audit_event_append(
            actor=by,
            action="referees.replaced",
            subject=current,
            application=application,
            reason=reason.strip(),
            data={
                "claim": [current.kind, row.pk],
                "before": before,
                "after": {
                    "name": row.referee_name,
                    "position": row.referee_position,
                    "organisation": row.referee_organisation,
                    "email": row.referee_email,
                    "phone": row.referee_phone,
                },
            },
        )
        old_request = current.request
        if old_request.state in UNANSWERED:
            referee_request_transition(
                request=old_request,
                to_state=RequestState.WITHDRAWN,
                actor=APPLICANT,
                by=by,
                reason=_("Referee replaced by the applicant: %(reason)s") % {"reason": reason.strip()},
            )
        return referees_ask(application=application, by=by)
