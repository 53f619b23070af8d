"""Bulk actions on the work queue: export, pass initial review, send to the committee.

Each row is checked and decided on its own and the page says what happened to each; a
decision on a file someone else moved since the page was shown is refused for that file.
"""

from __future__ import annotations

import io
from urllib.parse import urlencode

import pytest
from django.test import Client
from openpyxl import load_workbook

from engcert.applications.domain.transition import application_transition
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.demo import builders
from engcert.review.domain import initial_review_checklist_save
from engcert.review.enums import TICKED_ITEMS
from engcert.review.models import QueueExport
from tests.review.queue_fixtures import queue_file

S = ApplicationState
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _bulk_url(world) -> str:
    return f"/staff/{world.society.code}/batches/{world.batch.pk}/queue/bulk/"


def _pick(application: Application, state: ApplicationState | None = None) -> str:
    """The checkbox value of a row as the page showed it."""
    return f"{application.uid}:{(state or application.state)}"


def _post(world, action: str, picks: list[str], filters: dict | None = None, user=None):
    client = world.client_for(user or world.staff)
    return client.post(
        _bulk_url(world),
        {"action": action, "selected": picks, "filters": urlencode(filters or {}, doseq=True)},
    )


def _sheet(response) -> list[list[object]]:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def _export_all(world, capture, filters: dict | None = None) -> list[list[object]]:
    """Export all filtered: a background job is made, run, and its file downloaded."""
    with capture(execute=True):
        response = _post(world, "export_all", [], filters=filters)
    job = QueueExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == (
        f"/staff/{world.society.code}/batches/{world.batch.pk}/queue/exports/{job.pk}/"
    )
    download = world.client_for(world.staff).get(response["Location"] + "download/")
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def _state(application: Application) -> str:
    return Application.objects.get(pk=application.pk).state


def _outcomes(response) -> list[tuple[str, bool, str]]:
    assert response.status_code == 200
    return [(o.number, o.done, o.message) for o in response.context["outcomes"]]


def _ready(world, **kwargs) -> Application:
    """A submitted file whose checklist is complete (pledge signed, every item ticked)."""
    application = queue_file(world, state=S.SUBMITTED, signed=True, **kwargs)
    initial_review_checklist_save(
        application=application, by=world.staff, ticked={item.value: True for item in TICKED_ITEMS}, notes=""
    )
    return application


# Export


def test_export_of_the_selected_rows_has_a_header_and_one_row_each_in_queue_order(world):
    late = queue_file(world, name="王伟", submitted_minutes=20, unmet=["学位不符合要求。"], simplified=True)
    early = queue_file(world, name="李娜", submitted_minutes=10, state=S.INTERVIEWED)
    queue_file(world, name="未选中")

    rows = _sheet(_post(world, "export", [_pick(late), _pick(early)]))

    assert rows[0][:7] == [
        "Application number",
        "Name",
        "Name in English or pinyin",
        "Nominating unit",
        "Grade",
        "Professional field",
        "Status",
    ]
    assert [r[1] for r in rows[1:]] == ["李娜", "王伟"]
    wang = rows[2]
    assert wang[0] == late.number
    assert wang[3] == world.unit.name_en
    assert wang[6] == "Submitted"
    assert wang[8:11] == ["yes", "学位不符合要求。", "no"]
    assert wang[11] is not None and wang[11].strftime("%Y-%m-%d %H:%M") == "2026-03-01 09:20"


def test_export_of_all_filtered_rows_follows_the_filters_and_the_stage(
    world, django_capture_on_commit_callbacks
):
    wanted = [queue_file(world, unit=world.other_unit, state=S.SUBMITTED) for _ in range(3)]
    queue_file(world, unit=world.other_unit, state=S.INTERVIEWED)
    queue_file(world, unit=world.unit, state=S.SUBMITTED)

    rows = _export_all(
        world,
        django_capture_on_commit_callbacks,
        filters={"unit": world.other_unit.pk, "stage": "review", "sort": "-number"},
    )

    assert [r[0] for r in rows[1:]] == sorted((w.number for w in wanted), reverse=True)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+86 139", "'+86 139"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("王-伟", "王-伟"),
    ],
)
def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised(world, typed, stored):
    application = queue_file(world, name=typed)
    application.full_name_en = typed
    application.save(update_fields=["full_name_en"])
    rows = _sheet(_post(world, "export", [_pick(application)]))
    assert rows[1][1:3] == [stored, stored]


def test_the_export_never_contains_identity_document_numbers(world, django_capture_on_commit_callbacks):
    number = builders.prc_id_number(birth=builders.date(1985, 3, 14), male=True)
    application = queue_file(world, id_number=number)
    rows = _export_all(world, django_capture_on_commit_callbacks)
    assert len(rows) == 2
    assert not any(number in str(cell) for row in rows for cell in row)
    assert application.number in rows[1]


def test_an_export_is_recorded_in_the_audit_trail_with_its_size(world):
    files = [queue_file(world) for _ in range(2)]
    _post(world, "export", [_pick(f) for f in files])
    event = AuditEvent.objects.get(action="queue.export")
    assert (event.actor, event.subject_id, event.data["rows"], event.data["scope"]) == (
        world.staff,
        str(world.batch.pk),
        2,
        "selected",
    )


def test_exporting_the_selection_with_nothing_selected_goes_back_with_a_message(world):
    queue_file(world)
    client = world.client_for(world.staff)
    response = client.post(_bulk_url(world), {"action": "export", "filters": "stage=review"})
    assert response.status_code == 302
    assert response["Location"] == f"/staff/{world.society.code}/batches/{world.batch.pk}/queue/?stage=review"
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == ["Select at least one application first."]


# Pass initial review


def test_pass_reports_each_row_and_passes_only_those_that_may_pass(world):
    ready = _ready(world, name="齐备")
    incomplete = queue_file(world, name="未勾选", state=S.SUBMITTED, signed=True)
    interviewed = queue_file(world, name="已面试", state=S.INTERVIEWED)

    response = _post(world, "pass", [_pick(ready), _pick(incomplete), _pick(interviewed)])

    outcomes = _outcomes(response)
    assert outcomes[0] == (ready.number, True, "Initial review passed.")
    assert outcomes[1][:2] == (incomplete.number, False)
    assert outcomes[1][2].startswith("The checklist is not complete: ")
    assert outcomes[2] == (
        interviewed.number,
        False,
        "Not waiting for initial review (it is “Interviewed”).",
    )
    assert (_state(ready), _state(incomplete), _state(interviewed)) == (
        S.REVIEW_PASSED,
        S.SUBMITTED,
        S.INTERVIEWED,
    )
    assert (response.context["done"], response.context["not_done"]) == (1, 2)


def test_pass_refuses_a_file_someone_else_decided_since_the_page_was_shown(world):
    ready = _ready(world)
    shown = _pick(ready)  # the page showed it as submitted
    application_transition(application=ready, to_state=S.RETURNED, by=world.staff, reason="缺页。")

    outcomes = _outcomes(_post(world, "pass", [shown]))

    assert outcomes[0][:2] == (ready.number, False)
    assert "Returned for revision" in outcomes[0][2]
    assert _state(ready) == S.RETURNED


def test_pass_links_each_reported_row_to_its_file(world):
    ready = _ready(world)
    html = _post(world, "pass", [_pick(ready)]).content.decode()
    assert f"/{ready.uid}/" in html.split('id="bulk-result"', 1)[1]


# Send to the committee


def test_send_to_the_committee_moves_interviewed_files_and_reports_the_others(world):
    first = queue_file(world, state=S.INTERVIEWED)
    second = queue_file(world, state=S.INTERVIEWED)
    submitted = queue_file(world, state=S.SUBMITTED)

    outcomes = _outcomes(_post(world, "committee", [_pick(first), _pick(second), _pick(submitted)]))

    assert outcomes == [
        (first.number, True, "Sent to the committee."),
        (second.number, True, "Sent to the committee."),
        (
            submitted.number,
            False,
            "Only interviewed applications go to the committee (it is “Submitted”).",
        ),
    ]
    assert [_state(a) for a in (first, second, submitted)] == [S.DELIBERATION, S.DELIBERATION, S.SUBMITTED]
    assert [
        (e.from_state, e.to_state, e.actor)
        for e in AuditEvent.objects.filter(application=first, action="application.transition")
    ] == [(S.INTERVIEWED, S.DELIBERATION, world.staff)]


def test_sending_twice_is_reported_and_changes_nothing_more(world):
    interviewed = queue_file(world, state=S.INTERVIEWED)
    shown = _pick(interviewed)
    _post(world, "committee", [shown])
    outcomes = _outcomes(_post(world, "committee", [shown]))
    assert outcomes == [(interviewed.number, False, "Already with the committee.")]
    assert AuditEvent.objects.filter(application=interviewed, action="application.transition").count() == 1


def test_send_refuses_a_file_that_changed_since_the_page_was_shown(world):
    interviewed = queue_file(world, state=S.INTERVIEWED)
    shown = _pick(interviewed)
    Application.objects.filter(pk=interviewed.pk).update(state=S.INTERVIEW_SCHEDULED)
    outcomes = _outcomes(_post(world, "committee", [shown]))
    assert outcomes == [
        (
            interviewed.number,
            False,
            "Someone else changed this application a moment ago: it is now “Interview scheduled”. "
            "Please look at it again.",
        )
    ]


def test_a_selected_value_that_is_not_a_file_of_this_batch_is_reported(world, other_society_staff):
    elsewhere = builders.batch_create(society=world.society, code="2026-b5")
    stranger = queue_file(world, state=S.INTERVIEWED)
    Application.objects.filter(pk=stranger.pk).update(batch=elsewhere)
    outcomes = _outcomes(_post(world, "committee", [_pick(stranger), "not-a-uid:interviewed", "x"]))
    assert outcomes == [
        (_pick(stranger)[:40], False, "Not an application of this batch."),
        ("not-a-uid:interviewed", False, "Not an application of this batch."),
        ("x", False, "Not an application of this batch."),
    ]
    assert _state(stranger) == S.INTERVIEWED


def test_an_unknown_action_goes_back_with_a_message_and_changes_nothing(world):
    interviewed = queue_file(world, state=S.INTERVIEWED)
    response = _post(world, "delete", [_pick(interviewed)])
    assert response.status_code == 302
    assert _state(interviewed) == S.INTERVIEWED


# Who may act


@pytest.mark.parametrize(
    "persona", ["applicant", "outsider", "unit_admin", "examiner", "committee", "reviewer"]
)
def test_people_who_are_not_staff_of_the_society_get_not_found_and_change_nothing(world, persona):
    interviewed = queue_file(world, state=S.INTERVIEWED)
    response = _post(world, "committee", [_pick(interviewed)], user=getattr(world, persona))
    assert response.status_code == 404
    assert _state(interviewed) == S.INTERVIEWED
    assert _post(world, "export_all", [], user=getattr(world, persona)).status_code == 404
    assert not QueueExport.objects.exists()


def test_staff_of_another_society_get_not_found_and_change_nothing(world, other_society_staff):
    interviewed = queue_file(world, state=S.INTERVIEWED)
    response = _post(world, "committee", [_pick(interviewed)], user=other_society_staff)
    assert response.status_code == 404
    assert _state(interviewed) == S.INTERVIEWED


def test_bulk_actions_need_the_csrf_token_and_a_post(world):
    interviewed = queue_file(world, state=S.INTERVIEWED)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.staff)
    response = client.post(_bulk_url(world), {"action": "committee", "selected": [_pick(interviewed)]})
    assert response.status_code == 403
    assert _state(interviewed) == S.INTERVIEWED
    assert world.client_for(world.staff).get(_bulk_url(world)).status_code == 405


def test_the_queue_page_offers_each_decision_only_when_a_row_can_take_it(world):
    queue_file(world, state=S.SUBMITTED)
    client = world.client_for(world.staff)
    url = f"/staff/{world.society.code}/batches/{world.batch.pk}/queue/"
    html = client.get(url).content.decode()
    assert 'value="pass"' in html
    assert 'value="committee"' not in html
    queue_file(world, state=S.INTERVIEWED)
    html = client.get(url, {"stage": "committee"}).content.decode()
    assert 'value="pass"' not in html
    assert 'value="committee"' in html
    assert 'name="csrfmiddlewaretoken"' in html
