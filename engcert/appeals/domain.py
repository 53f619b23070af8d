"""Appeals (申诉): lodging one against a rejection or a refusal, the panel that reviews it (never
anyone who took part in the decision), the panel's views and the outcome staff record.

The panel decides by majority, and its size is always odd (the society's policy refuses an even
number), so there is never a tie: staff record the outcome the majority chose, and when the
majority sends the file back but splits between stages, staff name the stage.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.appeals.enums import (
    SEND_BACK_PLAIN,
    SEND_BACK_STAGES,
    UPHELD_PLAIN,
    AppealStatus,
    DecisionStage,
    SendBackStage,
    View,
)
from engcert.appeals.models import Appeal, AppealEvidence, AppealPolicy, PanelMember
from engcert.appeals.selectors import appeal_policy_for
from engcert.applications.domain.snapshot import application_snapshot_take
from engcert.applications.domain.transition import TransitionError, application_transition
from engcert.applications.enums import APPEALABLE, ApplicationState
from engcert.applications.models import Application
from engcert.audit.domain import audit_event_append
from engcert.audit.models import AuditEvent
from engcert.organisations.enums import Role
from engcert.organisations.models import Membership, Organisation
from engcert.tasks_queue import task_enqueue_with_work
from engcert.uploads.domain import CheckedUpload, upload_check, upload_store, uploads_all_or_nothing
from engcert.uploads.errors import UploadNotStored, UploadRefused
from engcert.uploads.kinds import DOCUMENTS

STATEMENT_MAX_CHARS = 5000
MAX_EVIDENCE_FILES = 5
PANEL_ROLES = (Role.STAFF, Role.EXAMINER, Role.COMMITTEE)


class AppealError(Exception):
    """A request the rules refuse; the message is for the person, ``field`` the form field it concerns."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AppealEvidenceNotStored(AppealError):
    """The server could not store a file of evidence (a full disk); the appeal was not lodged."""


# The decision appealed ------------------------------------------------------------------------


@dataclass(frozen=True)
class AppealableDecision:
    """The decision an application's current state comes from, and until when it may be appealed."""

    stage: DecisionStage
    state: ApplicationState
    event: AuditEvent
    decided_at: datetime
    deadline: datetime
    already_appealed: bool

    def window_open(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) <= self.deadline


def decision_for_appeal(*, application: Application) -> AppealableDecision | None:
    """The rejection or refusal the candidate may appeal now; None when the file is not in such a
    state, or when its state is an appeal's own outcome (an upheld decision is not appealed twice)."""
    if application.state not in APPEALABLE:
        return None
    event = (
        AuditEvent.objects.filter(
            application=application, action="application.transition", to_state=application.state
        )
        .order_by("-position")
        .first()
    )
    if event is None or event.from_state == ApplicationState.UNDER_APPEAL:
        return None
    if application.state == ApplicationState.REJECTED:
        stage = DecisionStage.INITIAL_REVIEW
    elif event.from_state == ApplicationState.OBJECTION:
        stage = DecisionStage.OBJECTION
    else:
        stage = DecisionStage.COMMITTEE
    decided_at = application.state_changed_at or event.created_at
    policy = appeal_policy_for(society=application.batch.society)
    return AppealableDecision(
        stage=stage,
        state=ApplicationState(application.state),
        event=event,
        decided_at=decided_at,
        deadline=decided_at + timedelta(days=policy.window_days),
        already_appealed=Appeal.objects.filter(decision_event=event).exists(),
    )


# Lodging -----------------------------------------------------------------------------------------


def evidence_check(uploaded: UploadedFile | CheckedUpload) -> CheckedUpload:
    """A file of evidence checked by its content (engcert.uploads); a refusal names the file."""
    try:
        return upload_check(uploaded=uploaded, kinds=DOCUMENTS)
    except UploadRefused as refusal:
        raise AppealError(
            _("“%(name)s”: %(problem)s") % {"name": uploaded_name(uploaded), "problem": refusal},
            field="evidence",
        ) from refusal


def uploaded_name(uploaded: UploadedFile | CheckedUpload) -> str:
    return uploaded.original_name if isinstance(uploaded, CheckedUpload) else uploaded.name or ""


def appeal_refusal(
    *, application: Application, decision: AppealableDecision | None, now: datetime | None = None
) -> str:
    """Why the candidate cannot appeal now, in words for them; empty when they can."""
    already = _("You have already appealed this decision; a decision can be appealed once.")
    if decision is None:
        appealed = application.state == ApplicationState.UNDER_APPEAL or (
            application.state in APPEALABLE and Appeal.objects.filter(application=application).exists()
        )
        return already if appealed else _("There is no decision on this application that can be appealed.")
    if decision.already_appealed:
        return already
    if not decision.window_open(now):
        return _(
            "The time to appeal this decision ended on %(deadline)s (Beijing time); appeals are no longer received."
        ) % {"deadline": _deadline_text(decision.deadline)}
    return ""


def _deadline_text(deadline: datetime) -> str:
    return date_format(timezone.localtime(deadline), "Y-m-d H:i")


def appeal_lodge(
    *,
    application: Application,
    by: User,
    statement: str,
    files: Sequence[UploadedFile | CheckedUpload] = (),
    now: datetime | None = None,
) -> Appeal:
    """The candidate appeals the decision on their application, with a statement and evidence."""
    now = now or timezone.now()
    if application.applicant_id != by.pk:
        raise AppealError(_("Only the applicant can appeal a decision on this application."))
    decision = decision_for_appeal(application=application)
    refusal = appeal_refusal(application=application, decision=decision, now=now)
    if refusal or decision is None:
        raise AppealError(refusal)
    statement = statement.strip()
    if not statement:
        raise AppealError(
            _(
                "Please explain why you think the decision is wrong; an appeal without a statement cannot be considered."
            ),
            field="statement",
        )
    if len(statement) > STATEMENT_MAX_CHARS:
        raise AppealError(
            _("The statement may be at most %(limit)d characters.") % {"limit": STATEMENT_MAX_CHARS},
            field="statement",
        )
    if len(files) > MAX_EVIDENCE_FILES:
        raise AppealError(
            _("Attach at most %(limit)d files.") % {"limit": MAX_EVIDENCE_FILES}, field="evidence"
        )
    checked = [evidence_check(uploaded) for uploaded in files]
    try:
        # Every file of the appeal is stored with its rows, or none is kept.
        with uploads_all_or_nothing(), transaction.atomic():
            appeal = Appeal.objects.create(
                application=application,
                decision_stage=decision.stage,
                decision_state=decision.state,
                decision_event=decision.event,
                decided_at=decision.decided_at,
                deadline=decision.deadline,
                statement=statement,
                lodged_at=now,
                lodged_by=by,
            )
            for number, item in enumerate(checked, start=1):
                evidence = AppealEvidence(
                    appeal=appeal,
                    original_name=item.original_name or "file",
                    content_type=item.content_type,
                    size=item.size,
                    sha256=item.sha256,
                )
                upload_store(file=evidence.file, stem=f"{appeal.uid.hex}-{number}", checked=item)
                evidence.save()
            audit_event_append(
                actor=by,
                action="appeal.lodge",
                subject=appeal,
                application=application,
                data={
                    "reference": appeal.reference,
                    "decision": decision.stage.value,
                    "files": [item.sha256 for item in checked],
                },
            )
            with translation.override(application.applicant.language):
                reason = _("Appeal %(reference)s lodged against the decision.") % {
                    "reference": appeal.reference
                }
            application_transition(
                application=application,
                to_state=ApplicationState.UNDER_APPEAL,
                by=by,
                reason=reason,
                data={"appeal": appeal.reference},
                expected_state=decision.state,
            )
    except IntegrityError as error:
        raise AppealError(
            _("You have already appealed this decision; a decision can be appealed once.")
        ) from error
    except TransitionError as error:
        raise AppealError(str(error)) from error
    except UploadNotStored as failure:
        raise AppealEvidenceNotStored(str(failure), field="evidence") from failure
    return appeal


# Who may sit on the panel -------------------------------------------------------------------------


def appeal_participants(*, application: Application) -> dict[int, list[str]]:
    """Everyone who took part in deciding this file, each with why: the initial reviewers, the
    examiners of its interview panel, the committee members of the meetings it was on, the staff
    who decided an objection about it, and whoever made a decision move on it."""
    # The apps of the evaluation depend on applications; they are read here, at run time.
    from engcert.committee.models import AgendaItem, MeetingMember, Vote
    from engcert.examiners.enums import SeatStatus
    from engcert.examiners.models import PanelSeat
    from engcert.notices.models import Objection
    from engcert.review.models import InitialReview

    found: dict[int, list[str]] = defaultdict(list)

    def add(user_id: int | None, reason: str) -> None:
        if user_id is not None and reason not in found[user_id]:
            found[user_id].append(reason)

    add(application.applicant_id, _("The candidate"))
    for decided_by, updated_by in InitialReview.objects.filter(application=application).values_list(
        "decided_by", "updated_by"
    ):
        add(decided_by, _("Reviewed the application at initial review"))
        add(updated_by, _("Reviewed the application at initial review"))
    review_events = AuditEvent.objects.filter(application=application, action__startswith="review.")
    for actor_id in review_events.values_list("actor_id", flat=True):
        add(actor_id, _("Reviewed the application at initial review"))
    decisions = {
        ApplicationState.RETURNED: _("Decided at initial review"),
        ApplicationState.REVIEW_PASSED: _("Decided at initial review"),
        ApplicationState.REJECTED: _("Decided at initial review"),
        ApplicationState.APPROVED: _("Recorded the committee's decision"),
        ApplicationState.NOT_APPROVED: _("Made the decision appealed"),
    }
    for actor_id, from_state, to_state in AuditEvent.objects.filter(
        application=application, action="application.transition", to_state__in=list(decisions)
    ).values_list("actor_id", "from_state", "to_state"):
        if from_state == ApplicationState.UNDER_APPEAL:
            continue  # an earlier appeal's outcome, not a decision on the file
        add(actor_id, str(decisions[ApplicationState(to_state)]))
    for user_id, status in PanelSeat.objects.filter(panel__application=application).values_list(
        "examiner__user_id", "status"
    ):
        if status == SeatStatus.CONFLICT:
            add(user_id, _("Declared a conflict of interest with the candidate"))
        else:
            add(user_id, _("Was on the candidate's interview panel"))
    items = AgendaItem.objects.filter(application=application)
    for user_id in MeetingMember.objects.filter(meeting__items__in=items).values_list("user_id", flat=True):
        add(user_id, _("Was in the committee meeting that deliberated on the candidate"))
    for user_id in Vote.objects.filter(item__in=items).values_list("member__user_id", flat=True):
        add(user_id, _("Voted on the candidate in committee"))
    for decided_by, chair in items.values_list("decided_by", "meeting__chair"):
        add(decided_by, _("Recorded the committee's decision"))
        add(chair, _("Chaired the committee meeting that deliberated on the candidate"))
    for user_id in Objection.objects.filter(entry__application=application).values_list(
        "decided_by", flat=True
    ):
        add(user_id, _("Decided an objection about the candidate"))
    return dict(found)


@dataclass
class PoolEntry:
    """A person of the society who might sit on the panel, and why they may not (empty: they may)."""

    user: User
    roles: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.excluded


def appeal_panel_pool(*, appeal: Appeal) -> list[PoolEntry]:
    """The society's staff, examiners and committee members, each with the reasons that exclude
    them: taking part in the decision, or an examiner's conflict of interest with the candidate."""
    from engcert.examiners.domain.conflicts import conflicts_for_many
    from engcert.examiners.models import Examiner

    application = appeal.application
    society = application.batch.society
    entries: dict[int, PoolEntry] = {}
    memberships = (
        Membership.objects.filter(
            organisation=society, is_active=True, role__in=list(PANEL_ROLES), user__is_active=True
        )
        .select_related("user")
        .order_by("user__full_name", "user__email", "role")
    )
    for membership in memberships:
        entry = entries.setdefault(membership.user_id, PoolEntry(user=membership.user))
        entry.roles.append(str(Role(membership.role).label))
    participants = appeal_participants(application=application)
    for user_id, reasons in participants.items():
        if user_id in entries:
            entries[user_id].excluded.extend(reasons)
    examiners = list(
        Examiner.objects.filter(society=society, user_id__in=list(entries)).select_related("user")
    )
    conflicts = conflicts_for_many(examiners=examiners, applications=[application])
    for examiner in examiners:
        for conflict in conflicts.get((application.pk, examiner.pk), []):
            entries[examiner.user_id].excluded.append(
                _("Conflict of interest: %(detail)s") % {"detail": conflict.detail or conflict.label}
            )
    return sorted(
        entries.values(), key=lambda entry: (not entry.eligible, entry.user.full_name, entry.user.email)
    )


def _assert_staff(*, society: Organisation, by: User) -> None:
    if not by.has_perm("appeals.manage_appeals", society):
        raise AppealError(_("Only the society's staff can handle its appeals."))


def appeal_panel_assign(*, appeal: Appeal, members: Sequence[User], by: User) -> list[PanelMember]:
    """Seat the panel: exactly the society's panel size, nobody who took part in the decision."""
    society = appeal.application.batch.society
    _assert_staff(society=society, by=by)
    policy = appeal_policy_for(society=society)
    chosen = list({member.pk: member for member in members}.values())
    if len(chosen) != policy.panel_size:
        raise AppealError(
            _("The panel needs exactly %(size)d people; %(count)d chosen.")
            % {"size": policy.panel_size, "count": len(chosen)},
            field="members",
        )
    pool = {entry.user.pk: entry for entry in appeal_panel_pool(appeal=appeal)}
    problems: list[str] = []
    for member in chosen:
        entry = pool.get(member.pk)
        if entry is None:
            problems.append(
                _("%(name)s is not staff, an examiner or a committee member of the society.")
                % {"name": member.full_name or member.email}
            )
        elif entry.excluded:
            problems.append(
                _("%(name)s cannot sit on this panel: %(reasons)s.")
                % {"name": member.full_name or member.email, "reasons": _("; ").join(entry.excluded)}
            )
    if problems:
        raise AppealError(" ".join(problems), field="members")
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if locked.status != AppealStatus.AWAITING_PANEL:
            raise AppealError(_("This appeal already has its panel."))
        seated = [PanelMember.objects.create(appeal=locked, user=member, assigned_by=by) for member in chosen]
        locked.status = AppealStatus.UNDER_REVIEW
        locked.panel_assigned_at = timezone.now()
        locked.panel_assigned_by = by
        locked.save(update_fields=["status", "panel_assigned_at", "panel_assigned_by"])
        audit_event_append(
            actor=by,
            action="appeal.panel_assign",
            subject=locked,
            application=locked.application,
            from_state=AppealStatus.AWAITING_PANEL,
            to_state=AppealStatus.UNDER_REVIEW,
            data={"reference": locked.reference, "members": [member.pk for member in chosen]},
        )
        _notify_panel(locked.pk)
    appeal.status, appeal.panel_assigned_at, appeal.panel_assigned_by = (
        locked.status,
        locked.panel_assigned_at,
        locked.panel_assigned_by,
    )
    return seated


def _notify_panel(appeal_id: int) -> None:
    from engcert.appeals.tasks import appeal_notify_panel

    task_enqueue_with_work(appeal_notify_panel, appeal_id=appeal_id)


# The panel's views and the outcome ----------------------------------------------------------------


def send_back_stages(appeal: Appeal) -> tuple[SendBackStage, ...]:
    return SEND_BACK_STAGES[DecisionStage(appeal.decision_stage)]


def appeal_view_record(
    *, appeal: Appeal, by: User, view: View, comment: str, send_back_to: str = ""
) -> PanelMember:
    """A panel member records (or changes, until the outcome) their view, with their reasons."""
    comment = comment.strip()
    member = PanelMember.objects.filter(appeal=appeal, user=by).first()
    if member is None:
        raise AppealError(_("Only the members of this appeal's panel can record a view on it."))
    if not comment:
        raise AppealError(_("Please give the reasons for your view."), field="comment")
    if view == View.SEND_BACK:
        if send_back_to not in send_back_stages(appeal):
            raise AppealError(
                _("Please name the stage the application should go back to."), field="send_back_to"
            )
    else:
        send_back_to = ""
    with transaction.atomic():
        locked_appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if locked_appeal.status != AppealStatus.UNDER_REVIEW:
            raise AppealError(_("The outcome of this appeal has been recorded; views can no longer change."))
        locked = PanelMember.objects.select_for_update().get(pk=member.pk)
        locked.view = view
        locked.send_back_to = send_back_to
        locked.comment = comment
        locked.view_recorded_at = timezone.now()
        locked.save(update_fields=["view", "send_back_to", "comment", "view_recorded_at"])
        audit_event_append(
            actor=by,
            action="appeal.view_record",
            subject=locked,
            application=locked_appeal.application,
            reason=comment,
            data={"reference": locked_appeal.reference, "view": str(view), "send_back_to": send_back_to},
        )
    return locked


@dataclass(frozen=True)
class Tally:
    members: int
    recorded: int
    uphold: int
    send_back: int
    stages: dict[str, int]

    @property
    def complete(self) -> bool:
        return self.members > 0 and self.recorded == self.members

    @property
    def majority(self) -> View | None:
        """The view of more than half the panel, once every member has recorded theirs."""
        if not self.complete:
            return None
        if self.uphold * 2 > self.members:
            return View.UPHOLD
        if self.send_back * 2 > self.members:
            return View.SEND_BACK
        return None

    @property
    def stage(self) -> str:
        """The stage most send-back views name, when one stage has more than the others."""
        ranked = Counter(self.stages).most_common()
        if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
            return ""
        return ranked[0][0]


def appeal_tally(*, members: Sequence[PanelMember]) -> Tally:
    recorded = [member for member in members if member.view]
    return Tally(
        members=len(members),
        recorded=len(recorded),
        uphold=sum(1 for member in recorded if member.view == View.UPHOLD),
        send_back=sum(1 for member in recorded if member.view == View.SEND_BACK),
        stages=dict(Counter(member.send_back_to for member in recorded if member.view == View.SEND_BACK)),
    )


def appeal_decide(*, appeal: Appeal, by: User, outcome: View, reason: str, send_back_to: str = "") -> Appeal:
    """Staff record the outcome the panel's majority chose; the application moves, audited, and
    the candidate is told in plain words in their language."""
    application = appeal.application
    _assert_staff(society=application.batch.society, by=by)
    reason = reason.strip()
    if not reason:
        raise AppealError(_("Please give the reasons the candidate will read."), field="reason")
    if outcome == View.SEND_BACK and send_back_to not in send_back_stages(appeal):
        raise AppealError(_("Please name the stage the application goes back to."), field="send_back_to")
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().select_related("application__applicant").get(pk=appeal.pk)
        if locked.status != AppealStatus.UNDER_REVIEW:
            raise AppealError(_("This appeal is not with a panel; its outcome cannot be recorded now."))
        tally = appeal_tally(members=list(locked.panel.all()))
        if not tally.complete:
            raise AppealError(
                _("%(missing)d of the %(members)d panel members have not recorded their view yet.")
                % {"missing": tally.members - tally.recorded, "members": tally.members}
            )
        if tally.majority != outcome:
            raise AppealError(
                _("The panel's majority is to “%(view)s”; the outcome must follow it.")
                % {"view": View(tally.majority).label if tally.majority else "?"},
                field="view",
            )
        to_state = ApplicationState(locked.decision_state)
        if outcome == View.SEND_BACK:
            to_state = ApplicationState(send_back_to)
        applicant = locked.application.applicant
        with translation.override(applicant.language):
            plain = str(UPHELD_PLAIN if outcome == View.UPHOLD else SEND_BACK_PLAIN[send_back_to])
            told = _("%(plain)s\n\nThe panel's reasons: %(reason)s") % {"plain": plain, "reason": reason}
        try:
            application_transition(
                application=locked.application,
                to_state=to_state,
                by=by,
                reason=told,
                data={"appeal": locked.reference, "outcome": str(outcome)},
                expected_state=ApplicationState.UNDER_APPEAL,
            )
        except TransitionError as error:
            raise AppealError(str(error)) from error
        if to_state == ApplicationState.REVIEW_PASSED:
            _interview_panel_stand_down(application=locked.application, by=by, reference=locked.reference)
        if to_state == ApplicationState.SUBMITTED:
            # The file comes before initial review again as a new round: the round that refused it
            # keeps its checklist and outcome.
            application_snapshot_take(application=locked.application, by=by, state=to_state)
        from_status = locked.status
        locked.status = AppealStatus.UPHELD if outcome == View.UPHOLD else AppealStatus.SENT_BACK
        locked.send_back_to = send_back_to if outcome == View.SEND_BACK else ""
        locked.outcome_reason = reason
        locked.outcome_by = by
        locked.outcome_at = timezone.now()
        locked.save(update_fields=["status", "send_back_to", "outcome_reason", "outcome_by", "outcome_at"])
        audit_event_append(
            actor=by,
            action="appeal.decide",
            subject=locked,
            application=locked.application,
            from_state=from_status,
            to_state=locked.status,
            reason=reason,
            data={
                "reference": locked.reference,
                "uphold": tally.uphold,
                "send_back": tally.send_back,
                "send_back_to": locked.send_back_to,
            },
        )
    return locked


def _interview_panel_stand_down(*, application: Application, by: User, reference: str) -> None:
    """A new interview needs a fresh panel: the examiners of the earlier one leave it, and their
    agreed assessment gives way to the one the new panel will record. The seats, score sheets and
    the earlier assessment stay as history; nothing is deleted."""
    from engcert.examiners.domain.panels import panel_seat_remove
    from engcert.examiners.selectors import live_seats
    from engcert.scoring.domain.assessment import panel_assessment_supersede

    reason = _("Appeal %(reference)s sent the candidate back for a new interview.") % {"reference": reference}
    for seat in live_seats(application=application):
        panel_seat_remove(seat=seat, by=by, reason=reason)
    panel_assessment_supersede(application=application, by=by, reason=reason)


# The society's policy -----------------------------------------------------------------------------


def appeal_policy_update(
    *, society: Organisation, by: User, window_days: int, panel_size: int
) -> AppealPolicy:
    _assert_staff(society=society, by=by)
    if panel_size % 2 == 0 or panel_size < 1:
        raise AppealError(
            _("Choose an odd number, so the panel's majority is never a tie."), field="panel_size"
        )
    if not 1 <= window_days <= 365:
        raise AppealError(_("Choose between 1 and 365 days."), field="window_days")
    with transaction.atomic():
        policy, _created = AppealPolicy.objects.select_for_update().get_or_create(society=society)
        before = {"window_days": policy.window_days, "panel_size": policy.panel_size}
        policy.window_days, policy.panel_size = window_days, panel_size
        policy.save()
        audit_event_append(
            actor=by,
            action="appeal.policy_update",
            subject=policy,
            data={"before": before, "after": {"window_days": window_days, "panel_size": panel_size}},
        )
    return policy
