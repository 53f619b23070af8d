"""Submission asks each referee once, by email, about every claim that names them."""

from __future__ import annotations

import hashlib

from django.core import mail

from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.referees.enums import ClaimKind, RequestState
from engcert.referees.models import RefereeClaim, RefereeRequest, RefereeToken
from tests.conftest import World
from tests.referees.conftest import REFEREE_A, REFEREE_B, link_for, links_sent


def test_each_referee_gets_one_email_listing_every_claim_that_names_them(submitted: Application) -> None:
    sent = links_sent()
    assert sorted(item.to for item in sent) == [REFEREE_B["referee_email"], REFEREE_A["referee_email"]]
    li = link_for(REFEREE_A["referee_email"])
    assert li.subject == "Please confirm what 王伟 wrote about their engineering work"
    assert "- 500千伏变电站新建工程（0）" in li.body
    assert "- 山东电力建设第三工程有限公司 · 项目技术负责人" in li.body
    assert "助理工程师" not in li.body
    chen = link_for(REFEREE_B["referee_email"])
    assert "- 山东电力建设第三工程有限公司 · 助理工程师" in chen.body
    assert "500千伏" not in chen.body
    requests = RefereeRequest.objects.filter(application=submitted).order_by("email")
    assert [(r.email, r.state, r.claims.count()) for r in requests] == [
        (REFEREE_B["referee_email"], RequestState.SENT, 1),
        (REFEREE_A["referee_email"], RequestState.SENT, 2),
    ]


def test_one_person_named_with_differently_written_addresses_gets_one_email(
    world: World, complete_draft: Application, submit
) -> None:
    first, second = complete_draft.work_entries.order_by("start_date")
    for row, email in ((first, " Li.JianGuo@Example.com "), (second, "li.jianguo@example.com")):
        row.referee_email = email
        row.save()
    project = complete_draft.projects.get()
    project.referee_email = "LI.JIANGUO@example.com"
    project.save()
    mail.outbox.clear()
    submit(complete_draft)
    assert [sent.to for sent in links_sent()] == ["li.jianguo@example.com"]
    assert RefereeClaim.objects.filter(request__application=complete_draft).count() == 3


def test_the_token_is_stored_only_as_its_hash(submitted: Application) -> None:
    li = link_for(REFEREE_A["referee_email"])
    token = RefereeToken.objects.get(request__uid=li.uid)
    assert token.token_hash == hashlib.sha256(li.token.encode()).hexdigest()
    assert len(li.token) >= 40
    stored = [str(v) for v in RefereeRequest.objects.filter(uid=li.uid).values().get().values()]
    assert li.token not in " ".join(stored)
    assert not AuditEvent.objects.filter(data__icontains=li.token).exists()


def test_asking_is_audited_with_the_claims(submitted: Application) -> None:
    request = RefereeRequest.objects.get(application=submitted, email=REFEREE_A["referee_email"])
    asked = AuditEvent.objects.get(action="referees.asked", subject_id=str(request.pk))
    project = submitted.projects.get()
    second = submitted.work_entries.order_by("start_date")[1]
    assert asked.data["claims"] == [[ClaimKind.PROJECT, project.pk], [ClaimKind.WORK, second.pk]]
    assert asked.actor is None
    sent = AuditEvent.objects.get(action="referees.request_sent", subject_id=str(request.pk))
    assert (sent.from_state, sent.to_state) == (RequestState.PENDING, RequestState.SENT)


def test_a_work_entry_that_is_not_engineering_practice_is_not_put_to_a_referee(
    world: World, complete_draft: Application, submit
) -> None:
    first = complete_draft.work_entries.order_by("start_date").first()
    first.is_engineering_practice = False
    first.referee_email = "someone.else@example.com"
    first.save()
    submit(complete_draft)
    assert not RefereeClaim.objects.filter(work_entry=first).exists()
    assert [sent.to for sent in links_sent()] == ["referee0@example.com"]


def test_a_file_withdrawn_before_the_task_ran_asks_nobody(world: World, complete_draft: Application) -> None:
    from engcert.applications.domain.application import application_submit, application_withdraw
    from engcert.referees.domain.requests import referees_ask_after_submit
    from tests.referees.conftest import name_referees

    name_referees(complete_draft)
    # Submitted without running the task, then withdrawn before a worker took it.
    application_submit(application=complete_draft, by=world.applicant)
    application_withdraw(application=complete_draft, by=world.applicant, reason="因工作调动暂不申请。")
    mail.outbox.clear()
    assert referees_ask_after_submit(application_id=complete_draft.pk) == []
    assert (RefereeRequest.objects.filter(application=complete_draft).count(), len(mail.outbox)) == (0, 0)
