"""The minutes of a meeting as a PDF (CJK fonts embedded) and as a spreadsheet."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from engcert.applications.models import Application
from engcert.applications.pdf import GlyphProblem, MissingGlyphError
from engcert.committee.domain import agenda_item_decide, recusal_record
from engcert.committee.enums import VoteChoice as V
from engcert.committee.pdf import minutes_pdf
from tests.applications.test_pdf import pdf_fonts, pdf_pages
from tests.committee.helpers import (
    RATIONALE,
    application_of,
    committee_members,
    meeting_of,
    on_agenda,
    present,
    votes,
)

pytestmark = pytest.mark.django_db

DEPARTURE = "补充材料证明第一项能力已达到要求。"


@pytest.fixture
def decided_meeting(world):
    people = committee_members(world, 3)
    meeting = meeting_of(world, people)
    first = on_agenda(world, meeting, index=1, meets=False)
    second = on_agenda(world, meeting, index=2)
    present(world, meeting, people[:2] + people[2:])
    recusal_record(item=first, member=people[2], reason="与申请人在同一项目部共事三年。", by=people[2])
    votes(first, {people[0]: V.APPROVE, people[1]: V.APPROVE})
    agenda_item_decide(
        item=first,
        approve=True,
        grade=application_of(first).grade,
        rationale=RATIONALE,
        departure_reason=DEPARTURE,
        by=people[0],
    )
    votes(second, {people[0]: V.APPROVE, people[1]: V.NOT_APPROVE, people[2]: V.ABSTAIN})
    return meeting, people, first, second


def test_the_minutes_pdf_names_every_candidate_and_embeds_the_cjk_font(
    world, decided_meeting, tmp_path: Path
):
    meeting, _people, _first, _second = decided_meeting

    pdf = minutes_pdf(meeting=meeting)
    # Cells wrap their lines: read the text without the breaks and spaces.
    text = re.sub(r"\s+", "", "".join(pdf_pages(pdf, tmp_path)))

    assert text.count("候选人1") == 1
    assert text.count("候选人2") == 1
    assert "与申请人在同一项目部共事三年。" in text
    assert DEPARTURE in text
    assert "同意2·不同意0·弃权0" in text
    assert "同意1·不同意1·弃权1" in text
    assert "应到3人，实到3人" in text
    assert pdf_fonts(pdf, tmp_path) == {
        ("Noto-Sans-CJK-SC", "yes", "yes"),
        ("Noto-Sans-CJK-SC-Bold", "yes", "yes"),
    }


def test_a_name_no_font_can_print_stops_the_pdf_naming_the_field(world, decided_meeting):
    meeting, _people, first, _second = decided_meeting
    Application.objects.filter(pk=first.application_id).update(full_name="候\ue000")

    with pytest.raises(MissingGlyphError) as raised:
        minutes_pdf(meeting=meeting)

    assert raised.value.problems == [
        GlyphProblem(field="items[1].full_name", label="姓名 Name", characters=("\ue000",))
    ]


def test_staff_download_the_minutes_and_members_too(world, decided_meeting):
    meeting, people, _first, _second = decided_meeting

    staff = world.client_for(world.staff).get(
        f"/staff/{world.society.code}/committee/{meeting.pk}/minutes.pdf"
    )
    member = world.client_for(people[1]).get(f"/committee/{meeting.pk}/minutes.pdf")

    assert (staff.status_code, staff["Content-Type"], member.status_code) == (200, "application/pdf", 200)
    assert staff.content.startswith(b"%PDF-")
    assert world.client_for(world.outsider).get(f"/committee/{meeting.pk}/minutes.pdf").status_code == 404


def test_the_minutes_spreadsheet_holds_attendance_and_each_decision(world, decided_meeting):
    meeting, _people, first, second = decided_meeting
    Application.objects.filter(pk=second.application_id).update(full_name='=HYPERLINK("http://x")')

    response = world.client_for(world.staff).get(
        f"/staff/{world.society.code}/committee/{meeting.pk}/minutes.xlsx"
    )
    book = load_workbook(io.BytesIO(response.content))

    assert book.sheetnames == ["Meeting", "Attendance", "Candidates"]
    attendance = [[c.value for c in row] for row in book["Attendance"].iter_rows()]
    assert attendance[0] == ["Member", "Attendance"]
    assert sorted(attendance[1:]) == sorted(
        [["审议委员 (chair)", "Present"], ["张审议", "Present"], ["李审议", "Present"]]
    )
    rows = [[c.value for c in row] for row in book["Candidates"].iter_rows()]
    first_app, second_app = application_of(first), application_of(second)
    assert rows[1] == [
        first_app.number,
        "候选人1",
        world.unit.name_en or world.unit.name,
        "Professional Engineer",
        "The grade applied for · Professional Engineer",
        "No",
        "李审议：与申请人在同一项目部共事三年。",
        2,
        2,
        0,
        0,
        "Approved at Professional Engineer",
        RATIONALE,
        DEPARTURE,
    ]
    assert rows[2][:2] == [second_app.number, '\'=HYPERLINK("http://x")']
    assert rows[2][5:12] == ["Yes", None, 3, 1, 1, 1, "Not decided yet"]
