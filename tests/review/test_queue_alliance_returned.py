"""A file the alliance returned is back in the society's queue, marked, until it is sent again."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from engcert.applications.enums import ApplicationState as S
from engcert.registration.domain import package_send, registration_return
from tests.conftest import World
from tests.evaluation_helpers import advance, candidate_interviewed


def _queue(world: World, **params: object) -> str:
    url = reverse("queue:queue", args=[world.society.code, world.batch.pk])
    response = world.client_for(world.staff).get(f"{url}?{urlencode(params, doseq=True)}")
    assert response.status_code == 200
    return response


def test_a_file_returned_by_the_alliance_is_flagged_and_found_by_its_flag_until_sent_again(
    world: World,
) -> None:
    returned = advance(world, candidate_interviewed(world, index=1), to=S.NOTICE_PASSED)
    waiting = advance(world, candidate_interviewed(world, index=2), to=S.NOTICE_PASSED)
    package = package_send(society=world.society, batch=world.batch, by=world.staff, applications=[returned])
    registration_return(item=package.items.get(), reason="请补充第二位考官的评分表。", by=world.reviewer)

    page = _queue(world, stage="notice")
    flags = {row.number: [text for text, _css, _title in row.flags] for row in page.context["rows"]}
    assert flags == {returned.number: ["returned by the alliance"], waiting.number: []}
    flagged = _queue(world, stage="notice", flag="alliance_returned")
    assert [row.number for row in flagged.context["rows"]] == [returned.number]

    package_send(society=world.society, batch=world.batch, by=world.staff, applications=[returned])
    again = _queue(world, stage="all", flag="alliance_returned")
    assert [row.number for row in again.context["rows"]] == []
