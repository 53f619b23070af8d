"""The applicant is told in plain words what happens next, on their page and in each email."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from engcert.applications.enums import NEXT_STEPS, ApplicationState
from engcert.applications.enums import ApplicationState as S
from engcert.frameworks.models import Grade
from tests.conftest import World
from tests.evaluation_helpers import advance, candidate_interviewed


def test_every_state_after_submission_has_a_next_step_in_plain_words() -> None:
    without = {state for state in ApplicationState if state not in NEXT_STEPS}
    assert without == {S.DRAFT, S.RETURNED}


def test_the_email_for_the_committees_approval_says_what_comes_next(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    application = candidate_interviewed(world, index=1, applicant=world.applicant)
    world.applicant.language = "en"
    world.applicant.save(update_fields=["language"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        advance(world, application, to=S.APPROVED)
    (approved,) = [m for m in mail.outbox if "Approved, public notice coming" in m.subject]
    assert str(NEXT_STEPS[S.APPROVED]) in approved.body
    assert "委员会审议通过，建议按申请级别注册。" in approved.body


def test_the_applicant_reads_the_next_step_and_the_grade_approved_on_their_page(world: World) -> None:
    application = candidate_interviewed(world, index=1, applicant=world.applicant)
    application = advance(world, application, to=S.APPROVED)
    lower = Grade.objects.exclude(pk=application.grade_id).order_by("position").first()
    assert lower is not None
    application.awarded_grade = lower
    application.save(update_fields=["awarded_grade"])
    page = world.client_for(world.applicant).get(reverse("applications:detail", args=[application.uid]))
    text = page.content.decode()
    assert str(NEXT_STEPS[S.APPROVED]) in text
    assert f"<dt>Grade approved</dt><dd>{lower.display_name}</dd>" in text


def test_staff_do_not_read_the_applicants_next_step(world: World) -> None:
    application = candidate_interviewed(world, index=1, applicant=world.applicant)
    page = world.client_for(world.staff).get(reverse("applications:detail", args=[application.uid]))
    assert str(NEXT_STEPS[S.INTERVIEWED]) not in page.content.decode()
