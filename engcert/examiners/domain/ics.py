"""The interview as an iCalendar file (RFC 5545), written by hand: one VEVENT, times in UTC.

The UID belongs to the candidate's interview, not to one row: a moved interview keeps the UID
and raises SEQUENCE, so a calendar that imported the first invitation moves the event instead
of showing two.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from engcert.examiners.enums import InterviewMode
from engcert.examiners.models import Interview

CRLF = "\r\n"


def ics_escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def ics_fold(line: str) -> str:
    """Fold a content line at 75 octets (§3.1), never inside a UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size = " ", 1  # the continuation line starts with one space
            limit = 75
        current += char
        size += width
    out.append(current)
    return CRLF.join(out)


def ics_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def interview_uid(interview: Interview) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "engcert"
    return f"interview-{interview.application.uid}@{host}"


def interview_ics(
    *, interview: Interview, panel_size: int, sequence: int, now: datetime | None = None
) -> str:
    """The calendar file for the candidate. Never names the examiners."""
    application = interview.application
    room = interview.room
    online = room.mode == InterviewMode.ONLINE
    summary = _("Interview: %(batch)s") % {"batch": application.batch.display_name}
    description_lines = [
        _("Application number: %(number)s") % {"number": application.number or "—"},
        ngettext(
            "You will be interviewed by a panel of %(count)d examiner.",
            "You will be interviewed by a panel of %(count)d examiners.",
            panel_size,
        )
        % {"count": panel_size},
        _("Online meeting: %(link)s") % {"link": room.location}
        if online
        else _("Place: %(room)s, %(address)s") % {"room": room.name, "address": room.location},
        _("Please bring your identity document."),
    ]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//engcert//interviews//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{interview_uid(interview)}",
        f"SEQUENCE:{sequence}",
        f"DTSTAMP:{ics_time(now or timezone.now())}",
        f"DTSTART:{ics_time(interview.starts_at)}",
        f"DTEND:{ics_time(interview.ends_at)}",
        f"SUMMARY:{ics_escape(summary)}",
        f"LOCATION:{ics_escape(room.location if online else f'{room.name}, {room.location}')}",
        f"DESCRIPTION:{ics_escape(chr(10).join(description_lines))}",
        "STATUS:CONFIRMED",
        "TRANSP:OPAQUE",
    ]
    if online and room.location.startswith(("https://", "http://")):
        lines.append(f"URL:{room.location}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return CRLF.join(ics_fold(line) for line in lines) + CRLF
