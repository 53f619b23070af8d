"""The committee's deliberation: meetings, their members and agenda, recusals, votes and the
decision, each checked against the society's committee policy and recorded in the audit trail.

A decision moves the candidate through ``application_transition`` on the state the decider saw,
with the rationale as the reason; the votes, recusals and the tally as it stood stay with the
agenda item for the minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.domain.transition import TransitionError, application_transition
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.audit.domain import audit_event_append
from engcert.batches.models import Batch
from engcert.committee.enums import DECIDED, MeetingStatus, Outcome, VoteChoice
from engcert.committee.models import AgendaItem, CommitteePolicy, Meeting, MeetingMember, Recusal, Vote
from engcert.committee.selectors import (
    AGENDA_STATES,
    Tally,
    committee_members_available,
    committee_policy_for,
    panel_assessment_of,
    tally_of,
)
from engcert.frameworks.models import Grade
from engcert.organisations.enums import Role
from engcert.organisations.models import Membership
from engcert.scoring.enums import Recommendation
from engcert.scoring.models import PanelAssessment
from engcert.scoring.selectors import lower_grades


class CommitteeError(Exception):
    """A step the rules do not allow; the message is for people. ``field`` names the form field
    it belongs beside, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# ---------------------------------------------------------------------------------------------
# Who may do what


def _is_staff(user: User, society_id: int) -> bool:
    return Membership.objects.filter(
        user=user, organisation_id=society_id, role=Role.STAFF, is_active=True
    ).exists()


def _require_staff(*, meeting_society_id: int, by: User) -> None:
    if not _is_staff(by, meeting_society_id):
        raise CommitteeError(_("Only the society's staff can do this."))


def _require_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CLOSED:
        raise CommitteeError(_("This meeting is closed; nothing on it can change."))


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


# ---------------------------------------------------------------------------------------------
# Policy


def committee_policy_saved(*, policy: CommitteePolicy, by: User, changed: list[str]) -> None:
    audit_event_append(
        actor=by,
        action="committee_policy.update",
        subject=policy,
        data={
            "changed": changed,
            "quorum": f"{policy.quorum_numerator}/{policy.quorum_denominator}",
            "majority": f"{policy.majority_numerator}/{policy.majority_denominator}",
            "majority_strict": policy.majority_strict,
        },
    )


# ---------------------------------------------------------------------------------------------
# Meetings


@dataclass(frozen=True)
class MeetingValues:
    title: str
    batch: Batch
    starts_at: datetime
    place: str
    members: Sequence[User]
    chair: User | None = None


def _check_values(*, society_id: int, values: MeetingValues) -> None:
    if values.batch.society_id != society_id:
        raise CommitteeError(_("Choose one of the society's own batches."), field="batch")
    allowed = set(committee_members_available(society=values.batch.society).values_list("pk", flat=True))
    outsiders = [str(user) for user in values.members if user.pk not in allowed]
    if outsiders:
        raise CommitteeError(
            _("Not on the society's committee: %(names)s.") % {"names": "、".join(outsiders)},
            field="members",
        )
    if not values.members:
        raise CommitteeError(_("Invite at least one committee member."), field="members")
    if values.chair is not None and values.chair.pk not in {user.pk for user in values.members}:
        raise CommitteeError(_("The chair must be one of the meeting's members."), field="chair")
    if not values.title.strip():
        raise CommitteeError(_("Give the meeting a title."), field="title")
    if not values.place.strip():
        raise CommitteeError(_("Say where the meeting takes place."), field="place")


def meeting_create(*, values: MeetingValues, by: User) -> Meeting:
    society = values.batch.society
    _require_staff(meeting_society_id=society.pk, by=by)
    _check_values(society_id=society.pk, values=values)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            society=society,
            batch=values.batch,
            title=values.title.strip(),
            starts_at=values.starts_at,
            place=values.place.strip(),
            chair=values.chair,
            created_by=by,
        )
        MeetingMember.objects.bulk_create(
            MeetingMember(meeting=meeting, user=user) for user in values.members
        )
        audit_event_append(
            actor=by,
            action="committee_meeting.create",
            subject=meeting,
            data={
                "title": meeting.title,
                "batch": values.batch.pk,
                "starts_at": timezone.localtime(meeting.starts_at).isoformat(),
                "members": sorted(user.pk for user in values.members),
                "chair": values.chair.pk if values.chair else None,
            },
        )
    return meeting


def meeting_update(*, meeting: Meeting, values: MeetingValues, by: User) -> Meeting:
    """Change the details and the members of a meeting that is not closed. A member who has
    voted or recused stays: their record is part of the meeting."""
    _require_staff(meeting_society_id=meeting.society_id, by=by)
    with transaction.atomic():
        locked = _lock_meeting(meeting)
        _require_open(locked)
        _check_values(society_id=locked.society_id, values=values)
        if values.batch.pk != locked.batch_id and locked.items.exists():
            raise CommitteeError(
                _("The agenda already has candidates of this batch; the batch cannot change."), field="batch"
            )
        wanted = {user.pk for user in values.members}
        current = {m.user_id: m for m in locked.members.all()}
        leaving = [m for user_id, m in current.items() if user_id not in wanted]
        engaged = [
            str(m.user)
            for m in leaving
            if Vote.objects.filter(member=m).exists() or Recusal.objects.filter(member=m).exists()
        ]
        if engaged:
            raise CommitteeError(
                _("These members have voted or recused and stay on the meeting: %(names)s.")
                % {"names": "、".join(engaged)},
                field="members",
            )
        MeetingMember.objects.filter(pk__in=[m.pk for m in leaving]).delete()
        MeetingMember.objects.bulk_create(
            MeetingMember(meeting=locked, user=user) for user in values.members if user.pk not in current
        )
        locked.title = values.title.strip()
        locked.batch = values.batch
        locked.starts_at = values.starts_at
        locked.place = values.place.strip()
        locked.chair = values.chair
        locked.save(update_fields=["title", "batch", "starts_at", "place", "chair"])
        audit_event_append(
            actor=by,
            action="committee_meeting.update",
            subject=locked,
            data={
                "title": locked.title,
                "starts_at": timezone.localtime(locked.starts_at).isoformat(),
                "members": sorted(wanted),
                "chair": values.chair.pk if values.chair else None,
            },
        )
    return locked


def meeting_attendance_record(*, meeting: Meeting, present: Sequence[User], by: User) -> Meeting:
    """Who is present; taking attendance opens the meeting (planned → in progress)."""
    _require_staff(meeting_society_id=meeting.society_id, by=by)
    with transaction.atomic():
        locked = _lock_meeting(meeting)
        _require_open(locked)
        members = list(locked.members.select_for_update())
        member_ids = {m.user_id for m in members}
        strangers = [str(user) for user in present if user.pk not in member_ids]
        if strangers:
            raise CommitteeError(
                _("Not a member of this meeting: %(names)s.") % {"names": "、".join(strangers)},
                field="present",
            )
        now = timezone.now()
        here = {user.pk for user in present}
        for member in members:
            member.present = member.user_id in here
            member.attendance_recorded_at = now
        MeetingMember.objects.bulk_update(members, ["present", "attendance_recorded_at"])
        from_status = locked.status
        if locked.status == MeetingStatus.PLANNED:
            locked.status = MeetingStatus.IN_PROGRESS
            locked.save(update_fields=["status"])
        audit_event_append(
            actor=by,
            action="committee_meeting.attendance",
            subject=locked,
            from_state=from_status,
            to_state=locked.status,
            data={"present": sorted(here), "members": sorted(member_ids)},
        )
    meeting.status = locked.status
    return locked


def meeting_close(*, meeting: Meeting, by: User) -> Meeting:
    """Close the meeting; candidates not decided are deferred and may go on a later agenda."""
    _require_staff(meeting_society_id=meeting.society_id, by=by)
    with transaction.atomic():
        locked = _lock_meeting(meeting)
        if locked.status == MeetingStatus.CLOSED:
            return locked
        deferred = list(locked.items.filter(outcome=Outcome.PENDING).values_list("application_id", flat=True))
        locked.items.filter(outcome=Outcome.PENDING).update(outcome=Outcome.DEFERRED)
        from_status = locked.status
        locked.status = MeetingStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        audit_event_append(
            actor=by,
            action="committee_meeting.close",
            subject=locked,
            from_state=from_status,
            to_state=MeetingStatus.CLOSED,
            data={"deferred": deferred},
        )
    meeting.status = locked.status
    meeting.closed_at = locked.closed_at
    return locked


# ---------------------------------------------------------------------------------------------
# The agenda


def agenda_item_add(*, meeting: Meeting, application: Application, by: User) -> AgendaItem:
    """Put a candidate on the agenda. An interviewed candidate goes to the committee
    ("under deliberation") now; one already under deliberation is added as it is."""
    _require_staff(meeting_society_id=meeting.society_id, by=by)
    with transaction.atomic():
        locked = _lock_meeting(meeting)
        _require_open(locked)
        candidate = Application.objects.select_for_update().get(pk=application.pk)
        if candidate.batch_id != locked.batch_id:
            raise CommitteeError(_("This candidate belongs to another batch than the meeting's."))
        if candidate.state not in AGENDA_STATES:
            raise CommitteeError(
                _(
                    "Only interviewed candidates or candidates under deliberation can go on the agenda (status: %(state)s)."
                )
                % {"state": ApplicationState(candidate.state).label}
            )
        waiting = (
            AgendaItem.objects.filter(application=candidate, outcome=Outcome.PENDING)
            .select_related("meeting")
            .first()
        )
        if waiting is not None:
            if waiting.meeting_id == locked.pk:
                return waiting
            raise CommitteeError(
                _("%(name)s is already on the agenda of “%(meeting)s”.")
                % {"name": candidate.full_name or candidate.number, "meeting": waiting.meeting.title}
            )
        if candidate.state == ApplicationState.INTERVIEWED:
            try:
                application_transition(
                    application=candidate,
                    to_state=ApplicationState.DELIBERATION,
                    by=by,
                    data={"meeting": locked.pk},
                    expected_state=ApplicationState.INTERVIEWED,
                )
            except TransitionError as error:
                raise CommitteeError(str(error)) from error
        last = locked.items.order_by("-position").values_list("position", flat=True).first() or 0
        try:
            with transaction.atomic():
                item = AgendaItem.objects.create(meeting=locked, application=candidate, position=last + 1)
        except IntegrityError as error:
            # Only when the same candidate was put on the agenda twice in the same instant.
            raise CommitteeError(_("This candidate is already on the agenda.")) from error
        audit_event_append(
            actor=by,
            action="committee_agenda.add",
            subject=item,
            application=candidate,
            data={"meeting": locked.pk},
        )
    application.state = candidate.state
    return item


def agenda_item_remove(*, item: AgendaItem, by: User) -> None:
    """Take a candidate off the agenda before anyone has voted on them; they stay under deliberation."""
    _require_staff(meeting_society_id=item.meeting.society_id, by=by)
    with transaction.atomic():
        meeting = _lock_meeting(item.meeting)
        _require_open(meeting)
        locked = AgendaItem.objects.select_for_update().get(pk=item.pk)
        if locked.outcome != Outcome.PENDING:
            raise CommitteeError(
                _("The committee has decided on this candidate; the item stays on the agenda.")
            )
        if locked.votes.exists() or locked.recusals.exists():
            raise CommitteeError(
                _("Members have voted or recused on this candidate; the item stays on the agenda.")
            )
        audit_event_append(
            actor=by,
            action="committee_agenda.remove",
            subject=locked,
            application=locked.application,
            data={"meeting": meeting.pk},
        )
        locked.delete()


# ---------------------------------------------------------------------------------------------
# Recusals and votes


def _member_of(*, meeting: Meeting, user: User) -> MeetingMember | None:
    return meeting.members.filter(user=user).first()


def _lock_pending_item(item: AgendaItem) -> tuple[Meeting, AgendaItem]:
    meeting = _lock_meeting(item.meeting)
    _require_open(meeting)
    locked = AgendaItem.objects.select_for_update().select_related("application").get(pk=item.pk)
    if locked.outcome != Outcome.PENDING:
        raise CommitteeError(
            _("The committee has already decided on this candidate (%(outcome)s); nothing can change.")
            % {"outcome": Outcome(locked.outcome).label}
        )
    return meeting, locked


def recusal_record(*, item: AgendaItem, member: User, reason: str, by: User) -> Recusal:
    """A member steps aside on one candidate (回避), with the reason; a vote they cast on the
    candidate is withdrawn. The member records it themselves, or staff for them."""
    reason = reason.strip()
    with transaction.atomic():
        meeting, locked = _lock_pending_item(item)
        if by.pk != member.pk and not _is_staff(by, meeting.society_id):
            raise CommitteeError(_("Members record their own recusal; staff may record it for them."))
        seat = _member_of(meeting=meeting, user=member)
        if seat is None:
            raise CommitteeError(_("Only a member of this meeting can recuse."))
        if not reason:
            raise CommitteeError(_("Please give the reason for the recusal."), field="reason")
        existing = Recusal.objects.filter(item=locked, member=seat).first()
        if existing is not None:
            return existing
        withdrawn = Vote.objects.filter(item=locked, member=seat).first()
        if withdrawn is not None:
            withdrawn.delete()
        recusal = Recusal.objects.create(item=locked, member=seat, reason=reason, recorded_by=by)
        audit_event_append(
            actor=by,
            action="committee_recusal.record",
            subject=recusal,
            application=locked.application,
            reason=reason,
            data={
                "meeting": meeting.pk,
                "member": member.pk,
                "withdrawn_vote": withdrawn.choice if withdrawn is not None else "",
            },
        )
    return recusal


def vote_cast(*, item: AgendaItem, choice: VoteChoice, by: User) -> Vote:
    """The member's own vote on one candidate; it may change until the committee decides."""
    choice = VoteChoice(choice)
    with transaction.atomic():
        meeting, locked = _lock_pending_item(item)
        if meeting.status != MeetingStatus.IN_PROGRESS:
            raise CommitteeError(_("Votes are taken once the meeting has begun (attendance recorded)."))
        seat = _member_of(meeting=meeting, user=by)
        if (
            seat is None
            or not Membership.objects.filter(
                user=by, organisation_id=meeting.society_id, role=Role.COMMITTEE, is_active=True
            ).exists()
        ):
            raise CommitteeError(_("Only members of this meeting can vote."))
        if not seat.present:
            raise CommitteeError(_("You are recorded as absent from this meeting, so you cannot vote."))
        if Recusal.objects.filter(item=locked, member=seat).exists():
            raise CommitteeError(_("You recused yourself on this candidate, so you cannot vote on them."))
        vote = Vote.objects.filter(item=locked, member=seat).first()
        before = vote.choice if vote is not None else ""
        if vote is None:
            vote = Vote.objects.create(item=locked, member=seat, choice=choice)
        elif vote.choice != choice:
            vote.choice = choice
            vote.save(update_fields=["choice", "changed_at"])
        else:
            return vote
        audit_event_append(
            actor=by,
            action="committee_vote.cast",
            subject=vote,
            application=locked.application,
            from_state=before,
            to_state=choice,
            data={"meeting": meeting.pk},
        )
    return vote


def item_tally(*, item: AgendaItem, policy: CommitteePolicy | None = None) -> Tally:
    """The live tally of an undecided candidate under the society's policy."""
    meeting = item.meeting
    policy = policy or committee_policy_for(society=meeting.society)
    members = list(meeting.members.all())
    recused = set(Recusal.objects.filter(item=item).values_list("member_id", flat=True))
    return tally_of(
        policy=policy, members=members, recused=recused, votes=list(Vote.objects.filter(item=item))
    )


# ---------------------------------------------------------------------------------------------
# The decision


def criteria_met_for(*, assessment: PanelAssessment | None, grade: Grade | None) -> bool:
    """Whether the panel's agreed assessment supports approving at this grade: every area at a
    level that meets the requirement, and the panel recommending exactly this grade."""
    if assessment is None or grade is None:
        return False
    if assessment.recommendation not in (Recommendation.GRADE_APPLIED, Recommendation.LOWER_GRADE):
        return False
    if assessment.recommended_grade_id != grade.pk:
        return False
    levels = [score.level for score in assessment.area_scores.all()]
    return bool(levels) and all(level.meets_requirement for level in levels)


def decision_departs_from_criteria(
    *, assessment: PanelAssessment | None, approve: bool, grade: Grade | None
) -> bool:
    """Approving where the criteria do not support the grade, or not approving a candidate
    whose assessment meets the criteria."""
    if approve:
        return not criteria_met_for(assessment=assessment, grade=grade)
    return bool(assessment is not None and assessment.meets_criteria)


def _tally_text(tally: Tally) -> str:
    return _(
        "Approve %(approve)d, not approve %(not_approve)d, abstain %(abstain)d, not voted %(not_voted)d, "
        "of %(voting)d present and not recused."
    ) % {
        "approve": tally.approve,
        "not_approve": tally.not_approve,
        "abstain": tally.abstain,
        "not_voted": tally.not_voted,
        "voting": tally.voting,
    }


def agenda_item_decide(
    *,
    item: AgendaItem,
    approve: bool,
    grade: Grade | None,
    rationale: str,
    departure_reason: str = "",
    by: User,
) -> AgendaItem:
    """Record the committee's decision on one candidate and move the file to "approved" (at the
    grade decided) or "not approved". Refused without a quorum, against the tally, against the
    criteria without a reason for departing, or on a closed meeting. Recording the same decision
    again changes nothing; a different one is refused."""
    rationale = rationale.strip()
    departure_reason = departure_reason.strip()
    with transaction.atomic():
        meeting = _lock_meeting(item.meeting)
        locked = (
            AgendaItem.objects.select_for_update(of=("self",))
            .select_related("application__grade", "awarded_grade")
            .get(pk=item.pk)
        )
        wanted = Outcome.APPROVED if approve else Outcome.NOT_APPROVED
        if locked.outcome in DECIDED:
            if locked.outcome == wanted and (
                not approve or locked.awarded_grade_id == (grade.pk if grade else None)
            ):
                return locked
            raise CommitteeError(
                _("The committee has already decided on this candidate (%(outcome)s); the decision stands.")
                % {"outcome": Outcome(locked.outcome).label}
            )
        _require_open(meeting)
        if locked.outcome != Outcome.PENDING:
            raise CommitteeError(_("This candidate was deferred to a later meeting."))
        if not by.has_perm("committee.decide", meeting):
            raise CommitteeError(
                _("Only the meeting's chair or the society's staff can record the decision.")
            )
        if meeting.status != MeetingStatus.IN_PROGRESS:
            raise CommitteeError(_("Decisions are taken once the meeting has begun (attendance recorded)."))
        if not _is_staff(by, meeting.society_id):
            # The chair records the decision only from the chair: present and not recused.
            seat = _member_of(meeting=meeting, user=by)
            if seat is None or not seat.present:
                raise CommitteeError(
                    _("The chair is recorded as absent; the society's staff record the decision.")
                )
            if Recusal.objects.filter(item=locked, member=seat).exists():
                raise CommitteeError(
                    _("The chair recused on this candidate; the society's staff record the decision.")
                )
        application = locked.application
        problems: list[CommitteeError] = []
        if approve:
            allowed = {application.grade_id} | set(
                lower_grades(application=application).values_list("pk", flat=True)
            )
            if grade is None:
                problems.append(CommitteeError(_("Choose the grade the committee approves."), field="grade"))
            elif grade.pk not in allowed:
                problems.append(
                    CommitteeError(_("Choose the grade applied for or a lower one."), field="grade")
                )
        else:
            grade = None
        if not rationale:
            problems.append(CommitteeError(_("Write the committee's rationale."), field="rationale"))
        if problems:
            raise problems[0]

        policy = committee_policy_for(society=meeting.society)
        tally = item_tally(item=locked, policy=policy)
        if not tally.has_quorum:
            raise CommitteeError(
                _(
                    "No quorum: %(voting)d of the meeting's %(members)d members are present and not "
                    "recused on this candidate; at least %(needed)d are needed."
                )
                % {"voting": tally.voting, "members": tally.members, "needed": tally.quorum_needed}
            )
        if approve and not tally.approves:
            raise CommitteeError(
                _("The vote does not approve: %(needed)d approve votes are needed. %(tally)s")
                % {"needed": tally.majority_needed, "tally": _tally_text(tally)}
            )
        if not approve and tally.approves:
            raise CommitteeError(
                _("The vote approves this candidate (%(needed)d approve votes were needed). %(tally)s")
                % {"needed": tally.majority_needed, "tally": _tally_text(tally)}
            )
        assessment = panel_assessment_of(application)
        departs = decision_departs_from_criteria(assessment=assessment, approve=approve, grade=grade)
        if departs and not departure_reason:
            raise CommitteeError(
                _(
                    "This decision departs from the qualification criteria: say why the committee "
                    "decides otherwise."
                ),
                field="departure_reason",
            )
        if not departs:
            departure_reason = ""

        now = timezone.now()
        locked.outcome = wanted
        locked.awarded_grade = grade
        locked.rationale = rationale
        locked.departs_from_criteria = departs
        locked.departure_reason = departure_reason
        locked.decided_by = by
        locked.decided_at = now
        locked.members_count = tally.members
        locked.voting_count = tally.voting
        locked.approve_count = tally.approve
        locked.not_approve_count = tally.not_approve
        locked.abstain_count = tally.abstain
        locked.save()
        data = {
            "meeting": meeting.pk,
            "item": locked.pk,
            "grade": grade.code if grade else "",
            "departs_from_criteria": departs,
            "departure_reason": departure_reason,
            "tally": {
                "members": tally.members,
                "voting": tally.voting,
                "approve": tally.approve,
                "not_approve": tally.not_approve,
                "abstain": tally.abstain,
            },
        }
        try:
            application_transition(
                application=application,
                to_state=ApplicationState.APPROVED if approve else ApplicationState.NOT_APPROVED,
                by=by,
                reason=rationale,
                data=data,
                extra_updates={"awarded_grade": grade} if approve else None,
                expected_state=ApplicationState.DELIBERATION,
            )
        except TransitionError as error:
            raise CommitteeError(str(error)) from error
        audit_event_append(
            actor=by,
            action="committee_decision.record",
            subject=locked,
            application=application,
            to_state=wanted,
            reason=rationale,
            data=data,
        )
    return locked
