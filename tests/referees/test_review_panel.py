"""Staff see each claim's status on the initial review, disputes highlighted with the comment,
in a fixed number of queries whatever the number of claims."""

from __future__ import annotations

from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from engcert.applications.models import Application, Project
from engcert.applications.selectors import application_get_full
from engcert.referees.models import RefereeClaim
from tests.conftest import World
from tests.referees.conftest import REFEREE_A, REFEREE_B, link_for

COMMENT = "他当时是项目副经理，不是技术负责人。"


def test_a_dispute_is_highlighted_with_the_referees_comment(
    client, world: World, submitted: Application
) -> None:
    li = link_for(REFEREE_A["referee_email"])
    project, work = RefereeClaim.objects.filter(request__uid=li.uid).order_by("pk")
    client.post(
        li.path,
        {
            f"verdict_{project.pk}": "confirmed",
            f"verdict_{work.pk}": "disputed",
            f"comment_{work.pk}": COMMENT,
        },
    )
    html = (
        world.client_for(world.staff)
        .get(f"/staff/{world.society.code}/applications/{submitted.uid}/review/")
        .content.decode()
    )
    assert f'<tr class="is-disputed" data-claim="work-{work.work_entry_id}">' in html
    assert f'<p class="referee-comment">{COMMENT}</p>' in html
    assert '<span class="status status-ref-confirmed">Confirmed</span>' in html
    assert '<span class="status status-ref-disputed">Disputed</span>' in html
    assert '<span class="status status-ref-awaiting">Asked, awaiting an answer</span>' in html
    assert "Ask the referees" in html
    # The applicant learns only that the referee answered.
    mine = world.client_for(world.applicant).get(f"/applications/{submitted.uid}/").content.decode()
    assert COMMENT not in mine
    assert "Disputed" not in mine
    assert mine.count('<span class="status status-ref-answered">Answered</span>') == 2


def _panel_queries(world: World, application: Application) -> int:
    request = RequestFactory().get("/")
    request.user = world.staff
    full = application_get_full(pk=application.pk)
    template = Template("{% load referee_tags %}{% referee_review_panel application %}")
    with CaptureQueriesContext(connection) as captured:
        html = template.render(Context({"request": request, "application": full}))
    assert "Referees' confirmations" in html
    return len(captured.captured_queries)


def test_the_review_panel_costs_the_same_queries_with_one_or_three_claims(
    world: World, complete_draft: Application, submit
) -> None:
    for entry in complete_draft.work_entries.all():
        entry.is_engineering_practice = False
        entry.save()
    complete_draft.eligibility_explanation = "本人长期从事工程设计，实践年限见项目经历。"
    complete_draft.save()
    submit(complete_draft)
    one = _panel_queries(world, complete_draft)
    template = complete_draft.projects.get()
    for number, referee in enumerate((REFEREE_A, REFEREE_B)):
        Project.objects.create(
            application=complete_draft,
            name=f"扩建工程{number}",
            start_date=template.start_date,
            role=template.role,
            scale=template.scale,
            responsibilities=template.responsibilities,
            results=template.results,
            **referee,
        )
    from engcert.referees.domain.requests import referees_ask

    referees_ask(application=complete_draft, by=None)
    assert complete_draft.projects.count() == 3
    three = _panel_queries(world, complete_draft)
    assert one == three
    assert three <= 6
