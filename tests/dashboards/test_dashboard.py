"""The staff's dashboards: the funnel, breakdowns, pass rates, stage times, examiners' workload
and agreement, as charts and tables, in both languages and as spreadsheets; for the society's
staff only."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook  # type: ignore[import-untyped]

from engcert.accounts.models import User
from engcert.applications.domain.application import application_submit
from engcert.applications.domain.transition import application_transition
from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.dashboards.charts import bar_chart, fit
from engcert.dashboards.exports import cell_text
from engcert.dashboards.selectors import dashboard_get, quantile
from engcert.demo import builders
from engcert.organisations.models import Organisation
from tests.conftest import PASSWORD, World
from tests.dashboards.builders import not_approved, rejected, submitted, three_outcomes
from tests.evaluation_helpers import advance, candidate_interviewed
from tests.scoring.conftest import candidate_scheduled, declare_and_submit, examiner_of, panel_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(world: World) -> list[Application]:
    return three_outcomes(world)


def rows(world: World, key: str, batch: Any = None) -> list[list[Any]]:
    table = dashboard_get(society=world.society, batch=batch).table(key)
    assert table is not None
    return table.rows


def dashboard_url(world: World) -> str:
    return reverse("dashboards:dashboard", args=[world.society.code])


def batch_url(world: World) -> str:
    return reverse("dashboards:batch", args=[world.society.code, world.batch.pk])


def test_the_funnel_counts_the_applications_that_reached_each_stage(world: World, three: list[Application]):
    assert rows(world, "funnel") == [
        ["Submitted", 3, 100.0],
        ["Initial review passed", 2, 66.7],
        ["Interviewed", 2, 66.7],
        ["Approved by the committee", 1, 33.3],
        ["Public notice passed", 1, 33.3],
        ["Registered", 1, 33.3],
        ["Certificate issued", 0, 0.0],
    ]


def test_pass_rates_divide_the_passed_by_the_decided_at_each_step(world: World, three: list[Application]):
    assert rows(world, "rates") == [
        ["Initial review", 66.7, 3, 2],
        ["Interview and committee", 50.0, 2, 1],
        ["Overall", 33.3, 3, 1],
    ]


def test_an_application_not_yet_decided_counts_in_no_pass_rate(world: World):
    submitted(world, index=1)
    assert rows(world, "rates") == [
        ["Initial review", None, 0, 0],
        ["Interview and committee", None, 0, 0],
        ["Overall", 0.0, 1, 0],
    ]


def test_applications_are_counted_by_unit_field_and_grade(world: World):
    submitted(world, index=1)
    submitted(world, index=2, unit=world.other_unit)
    submitted(world, index=3, unit=world.other_unit)
    # A draft is not an application yet: it counts nowhere.
    builders.application_complete_draft(
        batch=world.batch,
        applicant=world.applicant,
        person=builders.Person("王伟", True, builders.date(1985, 3, 14), world.unit.name),
        unit=world.unit,
    )
    assert rows(world, "units") == [["CPECC", 2, 66.7], ["SEPCOIII", 1, 33.3]]
    fields = [
        d.name_en or d.name
        for d in world.batch.disciplines.filter(parent__isnull=True).order_by("position")[1:4]
    ]
    assert rows(world, "disciplines") == [[name, 1, 33.3] for name in fields]
    grade = world.batch.grades.get(code="PE")
    assert rows(world, "grades") == [[grade.name_en, 3, 100.0]]


def test_time_in_each_stage_gives_the_median_and_90th_percentile_in_days(world: World, monkeypatch):
    start = timezone.now() - timedelta(days=5)
    clock = {"now": start}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    # Three applications wait 2, 4 and 10 days at "submitted" before their review passes.
    for index, days in enumerate([2, 4, 10], start=1):
        clock["now"] = start
        application = submitted(world, index=index)
        clock["now"] = start + timedelta(days=days)
        application_transition(application=application, to_state=S.REVIEW_PASSED, by=world.staff)
    monkeypatch.undo()
    # median 4; 90th percentile between 4 and 10 at 0.8 of the way: 8.8
    assert rows(world, "durations") == [["Submitted", 4.0, 8.8, 3]]


def test_quantile_interpolates_between_neighbours():
    assert quantile([1.0], 0.9) == 1.0
    assert quantile([1.0, 3.0], 0.5) == 2.0
    assert quantile([0.0, 10.0, 20.0, 30.0, 40.0], 0.9) == 36.0


def test_examiner_workload_counts_panels_and_submitted_sheets(world: World, three: list[Application]):
    # The world's examiner and a second examiner sat on both interviewed candidates' panels.
    assert sorted(rows(world, "workload")) == [["吴考评", 2, 2], ["第二考官", 2, 2]]


def test_agreement_is_the_share_of_areas_where_levels_differ_by_more_than_one(world: World):
    second = builders.user_create(email="examiner2@example.com", password=PASSWORD, full_name="第二考官")
    examiners = [examiner_of(world.examiner, world.society), examiner_of(second, world.society)]
    first_panel = panel_build(application=candidate_scheduled(world, index=1), examiners=examiners)
    second_panel = panel_build(application=candidate_scheduled(world, index=2), examiners=examiners)
    # The scale runs from 0 (not shown) to 3 (strongly shown).
    # First panel: area 1 at 0 and 3 (3 apart), area 2 at 1 and 2 (1 apart), the rest equal.
    declare_and_submit(first_panel.seats[0], level=2, by_area={1: 0, 2: 1})
    declare_and_submit(first_panel.seats[1], level=2, by_area={1: 3, 2: 2})
    # Second panel: area 1 at 1 and 3 (2 apart).
    declare_and_submit(second_panel.seats[0], level=2, by_area={1: 1})
    declare_and_submit(second_panel.seats[1], level=2, by_area={1: 3})
    areas = list(world.batch.framework_version.areas.order_by("number"))
    table = dashboard_get(society=world.society).table("agreement")
    assert table is not None
    assert table.rows == [[areas[0].name_en, 100.0, 2, 2]] + [[a.name_en, 0.0, 0, 2] for a in areas[1:]]
    assert table.footer == ["All areas", 20.0, 2, 10]


def test_a_panel_with_one_submitted_sheet_is_not_compared(world: World):
    examiners = [
        examiner_of(world.examiner, world.society),
        examiner_of(builders.user_create(email="e2@example.com", password=PASSWORD), world.society),
    ]
    setup = panel_build(application=candidate_scheduled(world, index=1), examiners=examiners)
    declare_and_submit(setup.seats[0], level=1)
    assert rows(world, "agreement") == []


def test_across_batches_each_batch_shows_how_far_its_applications_came(
    world: World, three: list[Application]
):
    later = builders.batch_create(
        society=world.society,
        code="2027-b5",
        name="第五批",
        name_en="Fifth batch",
        opens_at=world.batch.opens_at + timedelta(days=1),
    )
    builders.application_complete_draft(
        batch=later,
        applicant=world.other_applicant,
        person=builders.Person("李娜", False, builders.date(1990, 7, 1), world.unit.name),
        unit=world.unit,
    )
    application_submit(application=later.applications.get(), by=world.other_applicant)
    assert rows(world, "batches") == [["Fifth batch", 1, 0, 0, 0], [world.batch.name_en, 3, 2, 1, 1]]
    # One batch's own page does not compare batches.
    assert dashboard_get(society=world.society, batch=world.batch).table("batches") is None


def test_the_batch_dashboard_counts_only_that_batch(world: World, three: list[Application]):
    later = builders.batch_create(society=world.society, code="2027-b5", name="第五批", name_en="Fifth batch")
    assert rows(world, "funnel", later)[0] == ["Submitted", 0, None]
    assert rows(world, "funnel", world.batch)[0] == ["Submitted", 3, 100.0]


def test_staff_read_every_chart_and_table_in_english(world: World, three: list[Application]):
    response = world.client_for(world.staff).get(dashboard_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    keys = (
        "funnel",
        "rates",
        "batches",
        "units",
        "disciplines",
        "grades",
        "durations",
        "workload",
        "agreement",
    )
    for key in keys:
        assert f'id="table-{key}"' in html
    for key in keys:
        assert f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="chart-{key}"' in html
    funnel = html.split('id="chart-funnel"')[1].split("</svg>")[0]
    assert '<title id="chart-funnel-title">Stage funnel</title>' in funnel
    assert '<desc id="chart-funnel-desc">How many applications reached each stage,' in funnel
    assert 'role="img" aria-labelledby="chart-funnel-title chart-funnel-desc"' in funnel
    assert ">Initial review passed</text>" in funnel
    assert ">2 · 66.7%</text>" in funnel
    assert ">3 · 100%</text>" in funnel


def test_staff_read_the_charts_in_chinese(world: World, three: list[Application]):
    client = world.client_for(world.staff)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(dashboard_url(world))
    with translation.override("zh-hans"):
        assert response.content.decode().count(translation.gettext("Initial review passed")) >= 2
        html = response.content.decode()
        funnel = html.split('id="chart-funnel"')[1].split("</svg>")[0]
        assert ">初审通过</text>" in funnel
        assert ">证书已签发</text>" in funnel
        assert ">2 · 66.7%</text>" in funnel
        units = html.split('id="chart-units"')[1].split("</svg>")[0]
        assert f">{world.unit.name}</text>" in units
        assert ">3</text>" in units
        # The table beside it says the same.
        table = html.split('id="table-funnel"')[1].split("</table>")[0]
        assert '<th scope="row">初审通过</th><td class="num">2</td>' in table


def test_a_dashboard_without_applications_says_there_is_nothing_yet(world: World):
    html = world.client_for(world.staff).get(batch_url(world)).content.decode()
    # The funnel and the pass rates always list their stages; the other tables have no rows.
    assert html.count("Nothing to show yet.") == 6
    assert 'id="chart-funnel"' in html
    assert 'id="chart-units"' not in html


def test_the_selector_opens_the_chosen_batchs_dashboard(world: World):
    client = world.client_for(world.staff)
    response = client.get(dashboard_url(world), {"batch": world.batch.pk})
    assert response.status_code == 302
    assert response["Location"] == batch_url(world)
    page = client.get(batch_url(world)).content.decode()
    assert f'<option value="{world.batch.pk}" selected>{world.batch.name_en}</option>' in page


def test_the_selector_refuses_another_societys_batch(world: World, other_society_staff: User):
    other = Organisation.objects.get(code="other")
    foreign = builders.batch_create(society=other, code="ches-1")
    client = world.client_for(world.staff)
    assert client.get(dashboard_url(world), {"batch": foreign.pk}).status_code == 404
    assert client.get(reverse("dashboards:batch", args=[world.society.code, foreign.pk])).status_code == 404


def test_a_table_downloads_as_a_spreadsheet_with_numbers_and_neutralised_text(world: World):
    formula_unit = builders.unit_create(
        society=world.society, code="evil", name='=HYPERLINK("http://x","点击")', name_en=""
    )
    submitted(world, index=1, unit=formula_unit)
    submitted(world, index=2)
    submitted(world, index=3)
    response = world.client_for(world.staff).get(
        reverse("dashboards:batch_xlsx", args=[world.society.code, world.batch.pk, "units"])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][:2] == ["Applications by unit", f"{world.society.name_en} · {world.batch.name_en}"]
    assert values[2][:3] == ["Unit", "Applications", "Share (%)"]
    assert values[3][:3] == ["SEPCOIII", 2, 66.7]
    assert values[4][:3] == ['\'=HYPERLINK("http://x","点击")', 1, 33.3]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_text_a_spreadsheet_would_run_is_neutralised(text: str):
    assert cell_text(text) == "'" + text


def test_an_ordinary_text_is_kept_as_it_is():
    assert cell_text("山东电力建设第三工程有限公司 (SEPCOIII)") == "山东电力建设第三工程有限公司 (SEPCOIII)"


def test_an_unknown_table_is_not_found(world: World):
    url = reverse("dashboards:dashboard_xlsx", args=[world.society.code, "salaries"])
    assert world.client_for(world.staff).get(url).status_code == 404


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_dashboard_reads_the_same_number_of_queries_for_one_or_three_applications(world: World):
    client = world.client_for(world.staff)
    registered = advance(world, candidate_interviewed(world, index=1), to=S.REGISTERED)
    assert registered.state == S.REGISTERED
    one = (_queries(client, dashboard_url(world)), _queries(client, batch_url(world)))
    not_approved(world, index=2)
    rejected(world, index=3)
    three = (_queries(client, dashboard_url(world)), _queries(client, batch_url(world)))
    assert one == three


@pytest.mark.parametrize("persona", ["examiner", "committee", "unit_admin", "applicant", "outsider"])
def test_only_the_societys_staff_see_its_dashboards(world: World, persona: str):
    client = world.client_for(getattr(world, persona))
    for url in (
        dashboard_url(world),
        batch_url(world),
        reverse("dashboards:dashboard_xlsx", args=[world.society.code, "funnel"]),
        reverse("dashboards:batch_xlsx", args=[world.society.code, world.batch.pk, "funnel"]),
    ):
        assert client.get(url).status_code == 404, (persona, url)


def test_another_societys_staff_do_not_find_the_dashboards(world: World, other_society_staff: User):
    client = world.client_for(other_society_staff)
    assert client.get(dashboard_url(world)).status_code == 404
    assert client.get(batch_url(world)).status_code == 404


def test_a_visitor_is_sent_to_sign_in(world: World):
    from django.test import Client

    response = Client().get(dashboard_url(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_chart_escapes_its_labels_and_shortens_a_long_one():
    svg = str(
        bar_chart(
            chart_id="c",
            title="<b>",
            description="d & e",
            bars=[("<script>", 1.0), ("很" * 60, 2.0)],
        )
    )
    assert '<title id="c-title">&lt;b&gt;</title>' in svg
    assert "&lt;script&gt;" in svg and "<script>" not in svg
    assert fit("很" * 60, 300) == "很" * 19 + "…"
    assert re.search(f"<title>{'很' * 60}</title>很+…</text>", svg)
