"""Reads of the committee's work that pages, exports and other apps share."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.committee.enums import DECIDED, MeetingStatus, Outcome, VoteChoice
from engcert.committee.models import AgendaItem, CommitteePolicy, Meeting, MeetingMember, Recusal, Vote
from engcert.organisations.enums import Role
from engcert.organisations.models import Organisation
from engcert.scoring.models import AgreedAreaScore, PanelAssessment

OPEN_MEETINGS = (MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS)
AGENDA_STATES = (ApplicationState.INTERVIEWED, ApplicationState.DELIBERATION)


def committee_policy_get(*, society: Organisation) -> CommitteePolicy:
    """The society's committee policy, made with the defaults the first time staff edit it."""
    policy, _created = CommitteePolicy.objects.get_or_create(society=society)
    return policy


def committee_policy_for(*, society: Organisation) -> CommitteePolicy:
    """The society's policy, or its defaults (unsaved): reading a page never writes."""
    try:
        return society.committee_policy  # type: ignore[attr-defined,no-any-return]
    except CommitteePolicy.DoesNotExist:
        return CommitteePolicy(society=society)


def policy_summary(policy: CommitteePolicy) -> str:
    """The policy in one plain sentence, for the pages that apply it."""
    values = {
        "quorum": f"{policy.quorum_numerator}/{policy.quorum_denominator}",
        "majority": f"{policy.majority_numerator}/{policy.majority_denominator}",
    }
    if policy.majority_strict:
        return (
            _(
                "Quorum: %(quorum)s of the meeting's members present and not recused. A candidate is "
                "approved by more than %(majority)s of the votes of those present and not recused."
            )
            % values
        )
    return (
        _(
            "Quorum: %(quorum)s of the meeting's members present and not recused. A candidate is "
            "approved by at least %(majority)s of the votes of those present and not recused."
        )
        % values
    )


def committee_members_available(*, society: Organisation) -> QuerySet[User]:
    """People who hold the committee role at the society, the ones a meeting may invite."""
    return User.objects.filter(
        memberships__organisation=society, memberships__role=Role.COMMITTEE, memberships__is_active=True
    ).order_by("full_name", "pk")


@dataclass(frozen=True)
class Tally:
    """The count on one candidate: who may vote, how they voted, and what the policy makes of it."""

    members: int  # everyone invited to the meeting
    voting: int  # present and not recused on this candidate
    approve: int
    not_approve: int
    abstain: int
    quorum_needed: int
    majority_needed: int  # approve votes needed to approve

    @property
    def has_quorum(self) -> bool:
        return self.voting >= self.quorum_needed and self.voting > 0

    @property
    def approves(self) -> bool:
        return self.has_quorum and self.approve >= self.majority_needed

    @property
    def not_voted(self) -> int:
        return self.voting - self.approve - self.not_approve - self.abstain


def quorum_needed(*, policy: CommitteePolicy, members: int) -> int:
    """Fewest present, non-recused members that make a quorum of the meeting's members."""
    return max(1, math.ceil(policy.quorum * members))


def majority_needed(*, policy: CommitteePolicy, voting: int) -> int:
    """Fewest approve votes that make the majority of those present and not recused."""
    share = policy.majority * voting
    if policy.majority_strict:
        return math.floor(share) + 1
    return max(1, math.ceil(share))


def tally_of(
    *, policy: CommitteePolicy, members: list[MeetingMember], recused: set[int], votes: list[Vote]
) -> Tally:
    """The tally from already-read rows (the member ids in ``recused`` do not vote)."""
    voters = {m.pk for m in members if m.present and m.pk not in recused}
    counted = [v.choice for v in votes if v.member_id in voters]
    return Tally(
        members=len(members),
        voting=len(voters),
        approve=counted.count(VoteChoice.APPROVE),
        not_approve=counted.count(VoteChoice.NOT_APPROVE),
        abstain=counted.count(VoteChoice.ABSTAIN),
        quorum_needed=quorum_needed(policy=policy, members=len(members)),
        majority_needed=majority_needed(policy=policy, voting=len(voters)),
    )


def decided_tally(*, item: AgendaItem, policy: CommitteePolicy) -> Tally:
    """The tally recorded with a decision."""
    return Tally(
        members=item.members_count,
        voting=item.voting_count,
        approve=item.approve_count,
        not_approve=item.not_approve_count,
        abstain=item.abstain_count,
        quorum_needed=quorum_needed(policy=policy, members=item.members_count),
        majority_needed=majority_needed(policy=policy, voting=item.voting_count),
    )


def meeting_list(*, society: Organisation) -> QuerySet[Meeting]:
    """The society's meetings with what the list shows, in one query."""
    return (
        Meeting.objects.filter(society=society)
        .select_related("batch", "chair")
        .annotate(
            member_count=Count("members", distinct=True),
            item_count=Count("items", distinct=True),
            decided_count=Count("items", filter=Q(items__outcome__in=list(DECIDED)), distinct=True),
        )
    )


def member_meeting_list(*, user: User) -> QuerySet[Meeting]:
    """Meetings the person is invited to, at societies where they still sit on the committee."""
    return (
        Meeting.objects.filter(
            members__user=user,
            society__memberships__user=user,
            society__memberships__role=Role.COMMITTEE,
            society__memberships__is_active=True,
        )
        .select_related("batch", "chair", "society")
        .annotate(item_count=Count("items", distinct=True))
        .distinct()
    )


def meeting_items(*, meeting: Meeting) -> list[AgendaItem]:
    """The agenda with each candidate's panel assessment, recusals and votes, in a fixed number of queries."""
    return list(
        meeting.items.select_related(
            "application__grade",
            "application__unit",
            "application__discipline__parent",
            "application__panel_assessment__recommended_grade",
            "awarded_grade",
            "decided_by",
        ).prefetch_related(
            Prefetch(
                "application__panel_assessment__area_scores",
                queryset=AgreedAreaScore.objects.select_related("area", "level"),
            ),
            Prefetch("recusals", queryset=Recusal.objects.select_related("member__user")),
            Prefetch("votes", queryset=Vote.objects.select_related("member__user")),
        )
    )


def meeting_members(*, meeting: Meeting) -> list[MeetingMember]:
    return list(meeting.members.select_related("user"))


@dataclass(frozen=True)
class AgendaRow:
    """One candidate on the agenda as the pages and the minutes show them."""

    item: AgendaItem
    application: Application
    assessment: PanelAssessment | None
    recusals: list[Recusal]
    votes: list[Vote]
    tally: Tally

    @property
    def decided(self) -> bool:
        return self.item.outcome in DECIDED

    def vote_of(self, member: MeetingMember) -> Vote | None:
        return next((v for v in self.votes if v.member_id == member.pk), None)

    def recusal_of(self, member: MeetingMember) -> Recusal | None:
        return next((r for r in self.recusals if r.member_id == member.pk), None)


def agenda_rows(
    *, meeting: Meeting, policy: CommitteePolicy, members: list[MeetingMember] | None = None
) -> list[AgendaRow]:
    """The agenda with the tally of each candidate: as recorded for a decided one, live otherwise."""
    members = members if members is not None else meeting_members(meeting=meeting)
    rows = []
    for item in meeting_items(meeting=meeting):
        recusals = list(item.recusals.all())
        votes = list(item.votes.all())
        if item.outcome in DECIDED:
            tally = decided_tally(item=item, policy=policy)
        else:
            tally = tally_of(
                policy=policy, members=members, recused={r.member_id for r in recusals}, votes=votes
            )
        rows.append(
            AgendaRow(
                item=item,
                application=item.application,
                assessment=panel_assessment_of(item.application),
                recusals=recusals,
                votes=votes,
                tally=tally,
            )
        )
    return rows


def panel_assessment_of(application: Application) -> PanelAssessment | None:
    try:
        return application.panel_assessment  # type: ignore[no-any-return]
    except PanelAssessment.DoesNotExist:
        return None


def candidates_for_agenda(*, meeting: Meeting) -> QuerySet[Application]:
    """The batch's candidates waiting for the committee and on no open agenda."""
    return (
        Application.objects.filter(batch=meeting.batch, state__in=AGENDA_STATES)
        .exclude(agenda_items__outcome=Outcome.PENDING)
        .select_related("grade", "unit", "discipline__parent", "panel_assessment__recommended_grade")
        .order_by("number", "pk")
    )


def committee_decision_for(*, application: Application) -> AgendaItem | None:
    """The committee's decision on the candidate: the decided agenda item, with its tally
    (``approve_count``, ``not_approve_count``, ``abstain_count``, ``voting_count``,
    ``members_count``), ``outcome``, ``awarded_grade``, ``rationale``,
    ``departs_from_criteria``, ``departure_reason``, ``decided_at`` and ``meeting``.
    None when the committee has not decided."""
    return (
        AgendaItem.objects.filter(application=application, outcome__in=list(DECIDED))
        .select_related("meeting", "awarded_grade", "decided_by")
        .order_by("-decided_at")
        .first()
    )
