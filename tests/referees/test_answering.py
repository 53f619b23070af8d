"""The referee confirms, disputes or comments on each claim; the first answer stands."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.referees.enums import RequestState, Verdict
from engcert.referees.models import RefereeClaim, RefereeRequest
from tests.referees.conftest import REFEREE_A, link_for

DISPUTE = "他当时是项目副经理，不是技术负责人。"
COMMENT = "我只在2019年与他共事，之后的情况不了解。"


def _claims(uid: str) -> list[RefereeClaim]:
    return list(RefereeClaim.objects.filter(request__uid=uid).order_by("pk"))


def test_confirm_dispute_and_comment_are_saved_exactly(client: Client, submitted: Application) -> None:
    li = link_for(REFEREE_A["referee_email"])
    project, work = _claims(li.uid)
    response = client.post(
        li.path,
        {
            f"verdict_{project.pk}": "confirmed",
            f"comment_{project.pk}": "",
            f"verdict_{work.pk}": "disputed",
            f"comment_{work.pk}": f"  {DISPUTE}  ",
        },
    )
    assert response.status_code == 200
    assert "Thank you: your answer has been recorded." in response.content.decode()
    assert [(c.verdict, c.comment) for c in _claims(li.uid)] == [
        (Verdict.CONFIRMED, ""),
        (Verdict.DISPUTED, DISPUTE),
    ]
    request = RefereeRequest.objects.get(uid=li.uid)
    assert request.state == RequestState.ANSWERED
    assert request.answered_at is not None
    event = AuditEvent.objects.get(action="referees.request_answered", subject_id=str(request.pk))
    assert event.data["answers"] == {str(project.uid): "confirmed", str(work.uid): "disputed"}
    assert event.actor is None


def test_a_comment_only_answer_is_kept(client: Client, submitted: Application) -> None:
    li = link_for(REFEREE_A["referee_email"])
    project, work = _claims(li.uid)
    client.post(
        li.path,
        {
            f"verdict_{project.pk}": "commented",
            f"comment_{project.pk}": COMMENT,
            f"verdict_{work.pk}": "confirmed",
            f"comment_{work.pk}": "属实。",
        },
    )
    assert [(c.verdict, c.comment) for c in _claims(li.uid)] == [
        (Verdict.COMMENTED, COMMENT),
        (Verdict.CONFIRMED, "属实。"),
    ]


def test_a_dispute_without_a_comment_is_sent_back_and_nothing_is_saved(
    client: Client, submitted: Application
) -> None:
    li = link_for(REFEREE_A["referee_email"])
    project, work = _claims(li.uid)
    response = client.post(
        li.path,
        {f"verdict_{project.pk}": "confirmed", f"verdict_{work.pk}": "disputed", f"comment_{work.pk}": ""},
    )
    assert response.status_code == 400
    assert "Say what is not accurate, or what you can say about it." in response.content.decode()
    assert [c.verdict for c in _claims(li.uid)] == ["", ""]
    assert RefereeRequest.objects.get(uid=li.uid).state == RequestState.SENT


def test_an_item_left_unanswered_is_sent_back(client: Client, submitted: Application) -> None:
    li = link_for(REFEREE_A["referee_email"])
    project, _work = _claims(li.uid)
    response = client.post(li.path, {f"verdict_{project.pk}": "confirmed"})
    assert response.status_code == 400
    assert "Choose one answer for this item." in response.content.decode()
    assert RefereeRequest.objects.get(uid=li.uid).answered_at is None


def test_answering_twice_keeps_the_first_answer_and_says_so(client: Client, submitted: Application) -> None:
    li = link_for(REFEREE_A["referee_email"])
    project, work = _claims(li.uid)
    first = {f"verdict_{project.pk}": "confirmed", f"verdict_{work.pk}": "confirmed"}
    client.post(li.path, first)
    answered_at = RefereeRequest.objects.get(uid=li.uid).answered_at
    second = client.post(
        li.path,
        {
            f"verdict_{project.pk}": "disputed",
            f"comment_{project.pk}": DISPUTE,
            f"verdict_{work.pk}": "disputed",
            f"comment_{work.pk}": DISPUTE,
        },
    )
    html = second.content.decode()
    assert second.status_code == 409
    stamp = timezone.localtime(answered_at).strftime("%Y-%m-%d %H:%M")
    assert "You answered on " + stamp in html
    assert "contact the society to change your answer." in html
    assert [(c.verdict, c.comment) for c in _claims(li.uid)] == [
        (Verdict.CONFIRMED, ""),
        (Verdict.CONFIRMED, ""),
    ]
    assert RefereeRequest.objects.get(uid=li.uid).answered_at == answered_at
    assert AuditEvent.objects.filter(action="referees.request_answered").count() == 1
    # Opening the link again shows the answer given.
    again = client.get(li.path)
    assert again.status_code == 200
    assert "I confirm this" in again.content.decode()
