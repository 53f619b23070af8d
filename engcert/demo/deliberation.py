"""Demo steps after the interview, taken through the functions the committee's, the notice's and
the alliance's pages call: a meeting held and one in progress, a notice that has ended and one
running with an objection, and a package the alliance has partly decided."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone

from engcert.accounts.models import User
from engcert.applications.models import Application
from engcert.batches.models import Batch
from engcert.committee.domain import (
    MeetingValues,
    agenda_item_add,
    agenda_item_decide,
    meeting_attendance_record,
    meeting_close,
    meeting_create,
    recusal_record,
    vote_cast,
)
from engcert.committee.enums import VoteChoice
from engcert.committee.models import AgendaItem
from engcert.notices.domain.notice import notice_periods_close, notice_publish
from engcert.notices.domain.objection import objection_file
from engcert.registration.domain import package_send, registration_confirm, registration_return

APPROVAL = "委员会认为申请人工程能力各要素均达到申请级别要求，同意通过。"
DEPARTURE = (
    "考官组评定各要素均达到要求，但委员会审阅项目证明材料后认为申请人负责的工程规模不足以支撑申请级别。"
)
DECLINE = "申请人在组织领导与项目管理方面的工程经历不足，暂不予通过，可在积累经验后再次申请。"


@dataclass
class LaterStages:
    """Which demo applications go how far after the interview."""

    pending: list[Application] = field(default_factory=list)  # on the agenda of the meeting in progress
    approved: list[Application] = field(default_factory=list)  # approved, waiting for a notice
    declined: list[Application] = field(default_factory=list)  # not approved by the committee
    notice_now: list[Application] = field(default_factory=list)  # in the notice that is running
    objected: list[Application] = field(default_factory=list)  # in that notice, with an objection
    notice_done: list[Application] = field(default_factory=list)  # passed the notice that has ended
    sent: list[Application] = field(default_factory=list)  # with the alliance
    returned: list[Application] = field(default_factory=list)  # returned by the alliance
    registered: list[Application] = field(default_factory=list)  # registered by the alliance

    def approved_all(self) -> list[Application]:
        return (
            self.approved
            + self.notice_now
            + self.objected
            + self.notice_done
            + self.sent
            + self.returned
            + self.registered
        )


def _at(days: int, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour, 0)))


def _vote(item: AgendaItem, members: Sequence[User], choice: VoteChoice) -> None:
    for member in members:
        vote_cast(item=item, choice=choice, by=member)


def committee_meetings(*, batch: Batch, staff: User, members: list[User], stages: LaterStages) -> None:
    """A meeting held a fortnight ago that decided every candidate who has gone beyond the
    committee (with one recusal), and one in progress today with candidates still to vote on."""
    chair, *others = members
    held = meeting_create(
        values=MeetingValues(
            title="第四批工程会员综合审议会（第一次）",
            batch=batch,
            starts_at=_at(-14, 14),
            place="学会大楼三层第一会议室",
            members=members,
            chair=chair,
        ),
        by=staff,
    )
    meeting_attendance_record(meeting=held, present=members, by=staff)
    for position, application in enumerate(stages.approved_all() + stages.declined):
        item = agenda_item_add(meeting=held, application=application, by=staff)
        approve = application not in stages.declined
        voters = members
        if position == 0:
            # A member who works with the candidate steps aside, as the rules ask.
            recusal_record(
                item=item, member=others[-1], reason="与申请人在同一项目部共事，申请回避。", by=others[-1]
            )
            voters = members[:-1]
        _vote(item, voters, VoteChoice.APPROVE if approve else VoteChoice.NOT_APPROVE)
        application.refresh_from_db()
        agenda_item_decide(
            item=item,
            approve=approve,
            grade=application.grade if approve else None,
            rationale=APPROVAL if approve else DECLINE,
            # The panel found the criteria met; the committee, weighing the whole file, did not.
            departure_reason="" if approve else DEPARTURE,
            by=chair,
        )
    meeting_close(meeting=held, by=staff)

    if not stages.pending:
        return
    today = meeting_create(
        values=MeetingValues(
            title="第四批工程会员综合审议会（第二次）",
            batch=batch,
            starts_at=_at(0, 9),
            place="学会大楼三层第一会议室",
            members=members,
            chair=chair,
        ),
        by=staff,
    )
    meeting_attendance_record(meeting=today, present=members, by=staff)
    for application in stages.pending:
        item = agenda_item_add(meeting=today, application=application, by=staff)
        # The other members have voted; the demo committee member's vote is still to come.
        _vote(item, others, VoteChoice.APPROVE)


def public_notices(*, batch: Batch, staff: User, stages: LaterStages) -> None:
    """A notice that ran three weeks ago and has been closed by the scheduled job, and one
    running now with an objection from the public about one candidate."""
    if stages.notice_done + stages.sent + stages.returned + stages.registered:
        start = timezone.localdate() - timedelta(days=21)
        notice_publish(
            batch=batch,
            starts_on=start,
            by=staff,
            application_ids=[
                a.pk for a in stages.notice_done + stages.sent + stages.returned + stages.registered
            ],
            now=_at(-22, 10),
        )
        notice_periods_close(now=timezone.now())
    if stages.notice_now + stages.objected:
        notice = notice_publish(
            batch=batch,
            starts_on=timezone.localdate(),
            by=staff,
            application_ids=[a.pk for a in stages.notice_now + stages.objected],
        )
        for application in stages.objected:
            entry = notice.entries.get(application=application)
            objection_file(
                entry=entry,
                name="赵先生",
                phone="13900000000",
                email="",
                statement="据我所知，申请表中所列的某 500 千伏变电站工程，申请人并非技术负责人，请学会核实。",
            )


def alliance_package(*, batch: Batch, staff: User, reviewer: User, stages: LaterStages) -> None:
    """Version 1 of the batch's package: some registered, one returned, the rest waiting."""
    chosen = stages.sent + stages.returned + stages.registered
    if not chosen:
        return
    package = package_send(society=batch.society, batch=batch, by=staff, applications=chosen)
    items = {item.application_id: item for item in package.items.all()}
    for application in stages.registered:
        registration_confirm(item=items[application.pk], by=reviewer)
    for application in stages.returned:
        registration_return(
            item=items[application.pk],
            reason="申请人工作经历中 2016—2018 年的项目证明材料与评价记录不一致，请学会核对后重新报送。",
            by=reviewer,
        )
