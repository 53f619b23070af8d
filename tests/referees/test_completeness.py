"""Submission needs a complete referee on every project and every work entry that counts as
engineering practice: name, position, organisation, email and phone."""

from __future__ import annotations

from engcert.applications.domain.completeness import application_problems
from engcert.applications.models import Application


def _messages(application: Application) -> list[tuple[str, str]]:
    return [(p.section, p.message) for p in application_problems(application=application)]


def test_a_complete_draft_has_no_referee_problem(complete_draft: Application) -> None:
    assert _messages(complete_draft) == []


def test_a_project_referee_without_position_or_email_blocks_submission(complete_draft: Application) -> None:
    project = complete_draft.projects.get()
    project.referee_position = ""
    project.referee_email = ""
    project.save()
    assert _messages(complete_draft) == [
        (
            "projects",
            f"Name a person who can confirm “{project.name}”; still missing: referee's position, referee's email.",
        )
    ]


def test_a_practice_entry_needs_a_referee_and_another_entry_does_not(complete_draft: Application) -> None:
    first, second = complete_draft.work_entries.order_by("start_date")
    for entry in (first, second):
        entry.referee_organisation = ""
        entry.referee_phone = " "
    first.is_engineering_practice = False
    first.save()
    second.save()
    assert _messages(complete_draft) == [
        (
            "work",
            f"Name a person who can confirm “{second.employer}”; still missing: referee's organisation, referee's phone.",
        )
    ]
