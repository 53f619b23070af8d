"""A referee who is the applicant (same email or phone) or an examiner on the panel is flagged to staff."""

from __future__ import annotations

from engcert.applications.models import Application
from engcert.examiners.models import Examiner, Panel, PanelSeat
from engcert.referees.domain.claims import phone_digits
from engcert.referees.enums import FlagKind
from engcert.referees.panels import claim_rows
from tests.conftest import World


def _flags(application: Application) -> dict[str, list[str]]:
    return {
        row.source.title: [flag.kind.value for flag in row.flags]
        for row in claim_rows(application=application, with_flags=True)
    }


def test_phone_numbers_compare_by_their_digits_without_the_country_code() -> None:
    assert {
        phone_digits(p) for p in ("+86 138-0000-0000", "0086 13800000000", "138 0000 0000", "8613800000000")
    } == {"13800000000"}


def test_a_referee_with_the_applicants_email_is_flagged(submitted: Application) -> None:
    project = submitted.projects.get()
    project.referee_email = " APPLICANT@example.com"
    project.save()
    assert _flags(submitted)[project.name] == [FlagKind.APPLICANT_EMAIL]


def test_a_referee_with_the_applicants_phone_written_otherwise_is_flagged(submitted: Application) -> None:
    submitted.phone = "13800000000"
    submitted.save()
    first = submitted.work_entries.order_by("start_date").first()
    first.referee_phone = "+86 138-0000-0000"
    first.save()
    flags = _flags(submitted)
    assert flags[f"{first.employer} · {first.position}"] == [FlagKind.APPLICANT_PHONE]
    assert flags[submitted.projects.get().name] == []


def test_an_examiner_on_the_applications_panel_is_flagged_and_staff_see_it(
    world: World, submitted: Application
) -> None:
    from datetime import date

    examiner = Examiner.objects.create(
        society=world.society,
        user=world.examiner,
        employer="国网",
        term_starts=date(2024, 1, 1),
        term_ends=date(2028, 12, 31),
    )
    panel = Panel.objects.create(application=submitted)
    PanelSeat.objects.create(panel=panel, examiner=examiner)
    project = submitted.projects.get()
    project.referee_email = "Examiner@Example.com"
    project.save()
    assert _flags(submitted)[project.name] == [FlagKind.EXAMINER]
    html = (
        world.client_for(world.staff)
        .get(f"/staff/{world.society.code}/applications/{submitted.uid}/review/")
        .content.decode()
    )
    assert "Examiner on this application&#x27;s panel: 吴考评" in html
    assert "One referee may not be independent: see the flag below." in html


def test_a_removed_examiner_is_not_flagged(world: World, submitted: Application) -> None:
    from datetime import date

    examiner = Examiner.objects.create(
        society=world.society,
        user=world.examiner,
        employer="国网",
        term_starts=date(2024, 1, 1),
        term_ends=date(2028, 12, 31),
    )
    PanelSeat.objects.create(
        panel=Panel.objects.create(application=submitted), examiner=examiner, status="removed"
    )
    project = submitted.projects.get()
    project.referee_email = "examiner@example.com"
    project.save()
    assert _flags(submitted)[project.name] == []
