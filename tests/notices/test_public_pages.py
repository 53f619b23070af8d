"""The public reads the notices without signing in: only name, unit, grade and field."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engcert.applications.models import Application
from engcert.frameworks.models import Grade
from engcert.notices.domain.notice import notice_publish
from tests.conftest import World
from tests.notices.conftest import approved, running_notice


def _rows(html: str) -> list[list[str]]:
    body = html.split('id="notice-table"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        rows.append([re.sub(r"<[^>]+>", "", cell).strip() for cell in cells])
    return rows


def test_the_public_list_shows_the_running_notice_without_signing_in(world: World) -> None:
    notice = running_notice(world)
    response = Client().get(reverse("notices:public_list"))
    assert response.status_code == 200
    assert [n.pk for n in response.context["current"]] == [notice.pk]
    assert response.context["ended"] == []
    assert reverse("notices:public_detail", kwargs={"uid": notice.uid}) in response.content.decode()


def test_the_notice_page_lists_exactly_name_unit_grade_and_field(world: World) -> None:
    notice = running_notice(world)
    application = Application.objects.select_related("unit", "grade", "discipline__parent").get()
    response = Client().get(reverse("notices:public_detail", kwargs={"uid": notice.uid}))
    html = response.content.decode()
    name = application.full_name
    assert _rows(html) == [
        [
            "1",
            name,
            application.unit.name_en or application.unit.name,
            application.grade.display_name,
            application.discipline.path_name,
            f"Object · {name}",
        ]
    ]
    for private in (application.id_number, application.email, application.phone, application.number):
        assert private and private not in html


def test_the_grade_the_committee_approved_is_shown_when_it_differs(world: World) -> None:
    notice = running_notice(world)
    application = Application.objects.get()
    lower = (
        Grade.objects.filter(framework_version=application.framework_version)
        .exclude(pk=application.grade_id)
        .first()
    )
    assert lower is not None
    Application.objects.filter(pk=application.pk).update(awarded_grade=lower)
    html = Client().get(reverse("notices:public_detail", kwargs={"uid": notice.uid})).content.decode()
    assert _rows(html)[0][3] == lower.display_name


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_notice_page_reads_the_same_number_of_queries_for_one_and_for_three_candidates(
    world: World,
) -> None:
    notice = running_notice(world, count=1)
    client = Client()
    one = _queries(client, reverse("notices:public_detail", kwargs={"uid": notice.uid}))
    # Three more candidates on a second notice of the same batch.
    for index in (5, 6, 7):
        approved(world, index)
    three = notice_publish(batch=world.batch, starts_on=timezone.localdate(), by=world.staff)
    assert three.entries.count() == 3
    assert _queries(client, reverse("notices:public_detail", kwargs={"uid": three.uid})) == one


def test_the_public_list_reads_the_same_number_of_queries_for_one_and_for_three_notices(world: World) -> None:
    client = Client()
    approved(world, 1)
    notice_publish(batch=world.batch, starts_on=timezone.localdate(), by=world.staff)
    one = _queries(client, reverse("notices:public_list"))
    for index in (2, 3):
        approved(world, index)
        notice_publish(batch=world.batch, starts_on=timezone.localdate(), by=world.staff)
    assert _queries(client, reverse("notices:public_list")) == one


def test_the_table_is_rendered_once_for_everyone_and_again_when_a_candidate_moves(world: World) -> None:
    from engcert.applications.domain.transition import application_transition
    from engcert.applications.enums import ApplicationState as S

    notice = running_notice(world, count=2)
    url = reverse("notices:public_detail", kwargs={"uid": notice.uid})
    counts, tables = [], []
    for _visitor in range(2):
        with CaptureQueriesContext(connection) as queries:
            html = Client().get(url).content.decode()
        counts.append(len(queries))
        tables.append(_rows(html))
    assert tables[0] == tables[1] and len(tables[0]) == 2
    assert counts[1] == counts[0] - 4  # the rows, their units, grades and fields are not read again

    leaving = notice.entries.order_by("position").first().application
    application_transition(application=leaving, to_state=S.OBJECTION, by=world.staff, reason="收到异议。")
    application_transition(
        application=leaving, to_state=S.NOT_APPROVED, by=world.staff, reason="经核实，申请材料与事实不符。"
    )
    assert [row[1] for row in _rows(Client().get(url).content.decode())] == [
        notice.entries.order_by("position").last().application.full_name
    ]
