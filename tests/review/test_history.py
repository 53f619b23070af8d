"""Staff read the whole audit trail of one application; the applicant and other societies do not."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engcert.applications.enums import ApplicationState as S
from engcert.audit.models import AuditEvent
from tests.conftest import World
from tests.evaluation_helpers import advance, candidate_interviewed


def _url(world: World, uid: object) -> str:
    return reverse("review:history", args=[world.society.code, uid])


def test_staff_read_every_recorded_step_with_who_took_it_and_why(world: World) -> None:
    application = advance(world, candidate_interviewed(world, index=1), to=S.APPROVED)
    page = world.client_for(world.staff).get(_url(world, application.uid))
    text = page.content.decode()
    events = list(AuditEvent.objects.filter(application=application))
    assert text.count("<tr>") - 1 == len(events)  # one header row, one row per event
    assert "Panel&#x27;s agreed assessment recorded" in text
    assert "Under deliberation → Approved by the committee" in text
    assert "委员会审议通过，建议按申请级别注册。" in text
    assert str(world.committee) in text
    assert "no longer match" not in text


def test_a_step_changed_after_it_was_recorded_is_shown_as_changed(world: World) -> None:
    application = advance(world, candidate_interviewed(world, index=1), to=S.DELIBERATION)
    event = AuditEvent.objects.filter(application=application, to_state=S.DELIBERATION).get()
    AuditEvent.objects.filter(pk=event.pk).update(reason="改过的理由")
    text = world.client_for(world.staff).get(_url(world, application.uid)).content.decode()
    assert "One recorded step no longer matches its fingerprint" in text
    assert text.count('class="row-bad"') == 1


def test_the_applicant_examiners_and_outsiders_cannot_open_the_audit_trail(world: World) -> None:
    application = candidate_interviewed(world, index=1, applicant=world.applicant)
    for person in (world.applicant, world.examiner, world.committee, world.outsider, world.reviewer):
        assert world.client_for(person).get(_url(world, application.uid)).status_code == 404


def test_the_audit_trail_costs_the_same_queries_for_a_short_and_a_long_history(world: World) -> None:
    short = candidate_interviewed(world, index=1)
    long = advance(world, candidate_interviewed(world, index=2), to=S.NOTICE_PASSED)
    client = world.client_for(world.staff)
    client.get(_url(world, short.uid))
    counts = []
    for application in (short, long):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(world, application.uid)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_every_step_a_referee_link_takes_is_named_in_words():
    from engcert.referees.enums import RequestState
    from engcert.review.views.history import ACTION_LABELS

    moves = {f"referees.request_{state}" for state in RequestState if state != RequestState.PENDING}
    assert moves - set(ACTION_LABELS) == set()
