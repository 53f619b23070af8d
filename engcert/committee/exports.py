"""The minutes of a committee meeting as a spreadsheet (.xlsx): attendance, and per candidate
the recusals, the tally, the decision, its rationale and any reason for departing from the
qualification criteria. Text a spreadsheet would read as a formula is neutralised; identity
document numbers are never exported."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]

from engcert.committee.enums import DECIDED, Outcome
from engcert.committee.models import Meeting, MeetingMember
from engcert.committee.selectors import AgendaRow, agenda_rows, committee_policy_for, meeting_members
from engcert.spreadsheets.writing import cell_text


@dataclass(frozen=True)
class Minutes:
    meeting: Meeting
    members: list[MeetingMember]
    rows: list[AgendaRow]


def minutes_read(*, meeting: Meeting) -> Minutes:
    members = meeting_members(meeting=meeting)
    policy = committee_policy_for(society=meeting.society)
    return Minutes(
        meeting=meeting, members=members, rows=agenda_rows(meeting=meeting, policy=policy, members=members)
    )


def minutes_filename(meeting: Meeting, extension: str) -> str:
    day = timezone.localtime(meeting.starts_at).strftime("%Y%m%d")
    return f"committee-minutes-{meeting.society.code}-{day}-{meeting.pk}.{extension}"


def criteria_words(row: AgendaRow) -> str:
    if row.assessment is None:
        return _("No agreed assessment")
    return _("Yes") if row.assessment.meets_criteria else _("No")


def decision_words(row: AgendaRow) -> str:
    item = row.item
    if item.outcome == Outcome.APPROVED and item.awarded_grade is not None:
        return _("Approved at %(grade)s") % {"grade": item.awarded_grade.display_name}
    return str(Outcome(item.outcome).label)


def recusal_words(row: AgendaRow) -> str:
    return "\n".join(f"{r.member.user}：{r.reason}" for r in row.recusals)


def minutes_workbook(*, meeting: Meeting) -> bytes:
    minutes = minutes_read(meeting=meeting)
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def header(sheet: object, values: list[str]) -> None:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=cell_text(value))
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)  # type: ignore[attr-defined]

    def text_row(sheet: object, values: list[object]) -> None:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=cell_text(value) if isinstance(value, str) else value)
            cell.alignment = wrap
            cells.append(cell)
        sheet.append(cells)  # type: ignore[attr-defined]

    summary = book.create_sheet(title=_("Meeting")[:31])
    summary.column_dimensions["A"].width = 24
    summary.column_dimensions["B"].width = 60
    chair = meeting.chair
    for label, value in [
        (_("Meeting"), meeting.title),
        (_("Society"), meeting.society.display_name),
        (_("Batch"), meeting.batch.display_name),
        (_("Date and time"), timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")),
        (_("Place"), meeting.place),
        (_("Chair"), str(chair) if chair else "—"),
        (_("Status"), str(meeting.get_status_display())),
    ]:
        text_row(summary, [label, value])

    attendance = book.create_sheet(title=_("Attendance")[:31])
    attendance.column_dimensions["A"].width = 24
    attendance.column_dimensions["B"].width = 16
    header(attendance, [_("Member"), _("Attendance")])
    for member in minutes.members:
        text_row(
            attendance,
            [
                str(member.user) + (f" ({_('chair')})" if member.user_id == meeting.chair_id else ""),
                _("Present") if member.present else _("Absent"),
            ],
        )

    agenda = book.create_sheet(title=_("Candidates")[:31])
    widths = [20, 14, 24, 16, 16, 14, 18, 10, 12, 10, 14, 20, 40, 40]
    for column, width in zip("ABCDEFGHIJKLMN", widths, strict=True):
        agenda.column_dimensions[column].width = width
    header(
        agenda,
        [
            _("Application number"),
            _("Name"),
            _("Nominating unit"),
            _("Grade applied for"),
            _("Panel recommendation"),
            _("Meets the qualification criteria"),
            _("Recusals"),
            _("Present and not recused"),
            _("Approve"),
            _("Not approve"),
            _("Abstain"),
            _("Decision"),
            _("Rationale"),
            _("Reason for departing from the qualification criteria"),
        ],
    )
    for row in minutes.rows:
        application = row.application
        assessment = row.assessment
        recommendation = ""
        if assessment is not None:
            recommendation = str(assessment.get_recommendation_display())
            if assessment.recommended_grade is not None:
                recommendation += f" · {assessment.recommended_grade.display_name}"
        decided = row.item.outcome in DECIDED
        text_row(
            agenda,
            [
                application.number or "",
                application.full_name,
                application.unit.display_name if application.unit else "",
                application.grade.display_name if application.grade else "",
                recommendation,
                criteria_words(row),
                recusal_words(row),
                row.tally.voting,
                row.tally.approve,
                row.tally.not_approve,
                row.tally.abstain,
                decision_words(row),
                row.item.rationale if decided else "",
                row.item.departure_reason if decided else "",
            ],
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
