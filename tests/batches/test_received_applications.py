"""Staff see the applications received in a batch, linked to each file; drafts stay private."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from engcert.applications.domain.application import application_create, application_submit
from engcert.demo import builders


def _submitted(world, index: int):
    user = builders.user_create(
        email=f"received{index}@example.com", password="a-long-password-7", full_name=f"申请人{index}"
    )
    application = builders.application_complete_draft(
        batch=world.batch,
        applicant=user,
        person=builders.Person(f"申请人{index}", index % 2 == 0, date(1980 + index, 1, 2), world.unit.name),
        unit=world.unit,
        index=index,
    )
    return application_submit(application=application, by=user)


def _page(world):
    client = world.client_for(world.staff)
    return client.get(f"/staff/{world.society.code}/batches/{world.batch.pk}/")


def test_staff_see_each_submitted_application_and_no_draft(world):
    submitted = _submitted(world, 1)
    draft = application_create(batch=world.batch, applicant=world.other_applicant)
    html = _page(world).content.decode()
    assert f'href="/applications/{submitted.uid}/"' in html
    assert submitted.number in html
    assert draft.number not in html
    assert f"<title>{world.batch.name_en} · engcert</title>" in html


def test_the_received_list_costs_the_same_queries_for_one_or_three(world):
    _submitted(world, 1)
    with CaptureQueriesContext(connection) as one:
        assert _page(world).status_code == 200
    _submitted(world, 2)
    _submitted(world, 3)
    with CaptureQueriesContext(connection) as three:
        assert _page(world).status_code == 200
    assert len(one.captured_queries) == len(three.captured_queries)


def test_an_applicant_cannot_open_the_batch_page_of_received_applications(world):
    _submitted(world, 1)
    response = world.client_for(world.applicant).get(f"/staff/{world.society.code}/batches/{world.batch.pk}/")
    assert response.status_code == 404
