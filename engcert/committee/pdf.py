"""The minutes of a committee meeting (综合审议会议纪要) as a PDF, Chinese first with English
labels, made the way the application form is: WeasyPrint, the CJK fonts fontconfig finds, no
external resource, and every character of the database text checked against the fonts first."""

from __future__ import annotations

from datetime import datetime

import weasyprint
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from engcert.applications.pdf import (
    BEIJING,
    SANS_FAMILIES,
    GlyphProblem,
    MissingGlyphError,
    RefuseAllURLs,
    characters_without_glyph,
)
from engcert.committee.exports import Minutes, criteria_words, decision_words, minutes_read
from engcert.committee.models import Meeting


def _texts_to_check(minutes: Minutes) -> list[tuple[str, str, str]]:
    meeting = minutes.meeting
    texts = [
        ("title", "会议名称 Meeting", meeting.title),
        ("place", "地点 Place", meeting.place),
        ("society", "学会 Society", meeting.society.name),
        ("batch", "批次 Batch", meeting.batch.name),
    ]
    texts += [(f"members[{i}]", "委员 Member", str(m.user)) for i, m in enumerate(minutes.members, start=1)]
    for i, row in enumerate(minutes.rows, start=1):
        application = row.application
        texts += [
            (f"items[{i}].full_name", "姓名 Name", application.full_name),
            (f"items[{i}].unit", "申报单位 Unit", application.unit.name if application.unit else ""),
            (f"items[{i}].rationale", "审议意见 Rationale", row.item.rationale),
            (
                f"items[{i}].departure_reason",
                "偏离合格准则的理由 Reason for departing",
                row.item.departure_reason,
            ),
        ]
        texts += [(f"items[{i}].recusals", "回避 Recusal", r.reason) for r in row.recusals]
    return texts


def _glyph_problems(texts: list[tuple[str, str, str]]) -> list[GlyphProblem]:
    found: dict[tuple[str, str], list[str]] = {}
    for field, label, text in texts:
        missing = characters_without_glyph(text)
        if missing:
            bucket = found.setdefault((field, label), [])
            bucket.extend(c for c in missing if c not in bucket)
    return [
        GlyphProblem(field=f, label=label, characters=tuple(chars)) for (f, label), chars in found.items()
    ]


def minutes_html(*, meeting: Meeting, now: datetime | None = None) -> str:
    now = now or timezone.now()
    minutes = minutes_read(meeting=meeting)
    problems = _glyph_problems(_texts_to_check(minutes))
    if problems:
        raise MissingGlyphError(problems)
    with translation.override("zh-hans"):
        rows = [
            {
                "row": row,
                "criteria": criteria_words(row),
                "decision": decision_words(row),
                "recommendation": (
                    str(row.assessment.get_recommendation_display()) if row.assessment is not None else "—"
                ),
            }
            for row in minutes.rows
        ]
        return render_to_string(
            "committee/pdf/minutes.html",
            {
                # Constants of engcert.applications.pdf, never user text.
                "font_sans": mark_safe(", ".join(f'"{family}"' for family in SANS_FAMILIES)),
                "meeting": meeting,
                "starts_at": f"{timezone.localtime(meeting.starts_at, BEIJING):%Y-%m-%d %H:%M}",
                "generated_at": f"{timezone.localtime(now, BEIJING):%Y-%m-%d %H:%M}",
                "members": minutes.members,
                "present": sum(1 for m in minutes.members if m.present),
                "rows": rows,
            },
        )


def minutes_pdf(*, meeting: Meeting) -> bytes:
    """The minutes as an A4 PDF; raises MissingGlyphError when a name cannot be printed."""
    document = weasyprint.HTML(
        string=minutes_html(meeting=meeting), base_url=None, url_fetcher=RefuseAllURLs()
    )
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
