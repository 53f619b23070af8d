"""The calendar file written by hand reads back as the interview: RFC 5545 folding, escaping,
UTC times, one UID for the candidate's interview across moves."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from engcert.examiners.domain.ics import ics_escape, ics_fold, interview_ics
from engcert.examiners.domain.interviews import interview_move, interview_schedule
from engcert.examiners.models import Room
from tests.examiners.helpers import at, panel_ready, room_add

pytestmark = pytest.mark.django_db

UNESCAPE = re.compile(r"\\([\\;,nN])")


def parse(text: str) -> list[dict[str, str]]:
    """A small reader of iCalendar text, written from the RFC, independent of the writer."""
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in physical), "lines fold at 75 octets"
    logical: list[str] = []
    for line in physical:
        if line.startswith((" ", "\t")):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    events, current, stack = [], {}, []
    for line in logical:
        name, _sep, value = line.partition(":")
        if name == "BEGIN":
            stack.append(value)
            current = {} if value == "VEVENT" else current
        elif name == "END":
            assert stack.pop() == value
            if value == "VEVENT":
                events.append(current)
        elif stack and stack[-1] == "VEVENT":
            current[name] = UNESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)
    assert stack == []
    return events


def utc(value: str) -> datetime:
    return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def test_folding_never_splits_a_character_and_unfolds_to_the_line():
    line = "DESCRIPTION:" + "面试地点：北京市西城区白广路二条1号，中国电机工程学会三层305会议室；" * 3
    folded = ics_fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert parts[0] + "".join(p[1:] for p in parts[1:]) == line


def test_escaping_keeps_commas_semicolons_backslashes_and_newlines():
    assert ics_escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_the_calendar_file_reads_back_as_the_interview(world):
    application, chair, member, day = panel_ready(world)
    room = Room.objects.create(
        society=world.society,
        name="第一会议室, 三层",
        mode="in_person",
        location="北京市西城区白广路二条1号；中国电机工程学会大楼三层305室（请携带身份证件）",
    )
    interview = interview_schedule(
        application=application, room=room, starts_at=at(day, 9, 30), by=world.staff
    )
    text = interview_ics(interview=interview, panel_size=2, sequence=0)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//engcert//interviews//EN\r\n")
    (event,) = parse(text)
    assert event["UID"] == f"interview-{application.uid}@127.0.0.1"
    assert event["SEQUENCE"] == "0"
    assert utc(event["DTSTART"]) == interview.starts_at
    assert utc(event["DTEND"]) == interview.ends_at
    assert event["DTSTART"].endswith("Z")
    assert event["SUMMARY"] == "Interview: Fourth batch of electrical engineering members"
    assert event["LOCATION"] == f"{room.name}, {room.location}"
    assert event["DESCRIPTION"].split("\n") == [
        f"Application number: {application.number}",
        "You will be interviewed by a panel of 2 examiners.",
        f"Place: {room.name}, {room.location}",
        "Please bring your identity document.",
    ]
    assert chair.user.full_name not in text and member.user.full_name not in text


def test_an_online_interview_carries_its_link(world):
    application, _c, _m, day = panel_ready(world)
    room = room_add(world.society, "线上一", online=True)
    interview = interview_schedule(application=application, room=room, starts_at=at(day, 9), by=world.staff)
    (event,) = parse(interview_ics(interview=interview, panel_size=2, sequence=0))
    assert event["LOCATION"] == "https://meeting.example.com/j/123"
    assert event["URL"] == "https://meeting.example.com/j/123"


def test_a_moved_interview_keeps_its_uid_and_raises_the_sequence(world):
    application, _c, _m, day = panel_ready(world)
    room = room_add(world.society)
    first = interview_schedule(application=application, room=room, starts_at=at(day, 9), by=world.staff)
    moved = interview_move(interview=first, room=room, starts_at=at(day, 15), by=world.staff, reason="改期")
    (before,) = parse(interview_ics(interview=first, panel_size=2, sequence=0))
    (after,) = parse(interview_ics(interview=moved, panel_size=2, sequence=1))
    assert before["UID"] == after["UID"]
    assert (before["SEQUENCE"], after["SEQUENCE"]) == ("0", "1")
    assert utc(after["DTSTART"]) == at(day, 15)


def test_the_applicant_downloads_the_calendar_file_of_their_interview(world):
    application, _c, _m, day = panel_ready(world)
    url = f"/interviews/{application.uid}/calendar.ics"
    client = world.client_for(application.applicant)
    assert client.get(url).status_code == 404  # nothing scheduled yet
    interview_schedule(
        application=application, room=room_add(world.society), starts_at=at(day, 10), by=world.staff
    )
    response = client.get(url)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="interview.ics"'
    (event,) = parse(response.content.decode())
    assert utc(event["DTSTART"]) == at(day, 10)
