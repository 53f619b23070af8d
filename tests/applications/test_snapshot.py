"""A snapshot of the whole file at every submission, and exactly what changed between two of them."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from engcert.applications.domain.application import (
    application_submit,
    attachment_upload,
)
from engcert.applications.domain.sections import section_entries_save
from engcert.applications.enums import AttachmentKind
from engcert.applications.file_view import Change, file_sections, snapshot_diff
from engcert.applications.models import Application, ApplicationSnapshot, WorkEntry
from engcert.applications.sections import SECTION_KEYS
from engcert.demo.builders import TINY_PDF
from engcert.review.domain import RevisionInput, initial_review_return
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("english")


def test_a_snapshot_of_the_whole_file_is_kept_at_submission(world: World, complete_draft: Application):
    application_submit(application=complete_draft, by=world.applicant)

    snapshot = ApplicationSnapshot.objects.get(application=complete_draft)
    assert (snapshot.sequence, snapshot.state, snapshot.taken_by) == (1, "submitted", world.applicant)
    sections = snapshot.data["sections"]
    assert sorted(sections) == sorted(SECTION_KEYS)
    assert sections["personal"]["fields"]["full_name"] == "王伟"
    assert sections["application"]["fields"]["grade"]["text"] == complete_draft.grade.name  # type: ignore[union-attr]
    attachment = complete_draft.attachments.get()
    assert sections["attachments"]["rows"] == [
        {
            "key": str(attachment.uid),
            "values": {
                "original_name": "学位证书.pdf",
                "kind": "degree",
                "description": "",
                "size": attachment.size,
                "sha256": attachment.sha256,
            },
        }
    ]
    assert [row["key"] for row in sections["competency"]["rows"]] == ["1", "2", "3", "4", "5"]
    assert sections["pledge"]["fields"]["typed_name"] == "王伟"


def test_a_snapshot_never_holds_the_identity_number_in_clear(world: World, complete_draft: Application):
    application_submit(application=complete_draft, by=world.applicant)

    snapshot = ApplicationSnapshot.objects.get(application=complete_draft)
    assert complete_draft.id_number not in json.dumps(snapshot.data, ensure_ascii=False)
    assert snapshot.data["sections"]["personal"]["fields"]["id_number"] == {
        "text": complete_draft.id_number_masked,
        "index": complete_draft.id_number_index,
    }


def test_resubmitting_the_same_file_takes_a_second_snapshot_and_nothing_shows_as_changed(
    world: World, complete_draft: Application
):
    application_submit(application=complete_draft, by=world.applicant)
    initial_review_return(
        application=complete_draft, by=world.staff, items=[RevisionInput("work", "Check it.")]
    )
    complete_draft.refresh_from_db()
    application_submit(application=complete_draft, by=world.applicant)

    first, second = ApplicationSnapshot.objects.filter(application=complete_draft).order_by("sequence")
    assert (second.sequence, second.state) == (2, "resubmitted")
    assert [diff.changed for diff in snapshot_diff(first.data, second.data)] == [False] * len(SECTION_KEYS)


@pytest.fixture
def resubmitted(world: World, complete_draft: Application) -> Application:
    """Returned for work, projects and attachments; one field changed in each of two rows, a work
    entry added and one removed, a file added, then submitted again."""
    application_submit(application=complete_draft, by=world.applicant)
    initial_review_return(
        application=complete_draft,
        by=world.staff,
        items=[
            RevisionInput("work", "Give your referee's phone."),
            RevisionInput("projects", "Say what came of it."),
            RevisionInput("attachments", "Add your identity document."),
        ],
    )
    application = complete_draft
    application.refresh_from_db()
    first, second = application.work_entries.order_by("start_date")
    first.referee_phone = "13912345678"
    added = WorkEntry(
        application=application,
        employer="中国电力工程顾问集团",
        position="实习工程师",
        start_date=date(2006, 7, 1),
        end_date=date(2007, 6, 30),
        referee_name="孙浩",
        referee_position="项目经理",
        referee_organisation="中国电力工程顾问集团",
        referee_email="sunhao@example.com",
        referee_phone="13700000000",
    )
    section_entries_save(application=application, by=world.applicant, save=[first, added], delete=[second])
    project = application.projects.get()
    project.results = "工程一次投运成功。"
    section_entries_save(application=application, by=world.applicant, save=[project])
    attachment_upload(
        application=application,
        by=world.applicant,
        uploaded=SimpleUploadedFile("身份证.pdf", TINY_PDF, content_type="application/pdf"),
        kind=AttachmentKind.IDENTITY_DOCUMENT,
    )
    application_submit(application=application, by=world.applicant)
    return application


def test_the_comparison_shows_exactly_the_fields_and_rows_that_changed(
    world: World, resubmitted: Application
):
    first, second = ApplicationSnapshot.objects.filter(application=resubmitted).order_by("sequence")

    diffs = {diff.section.key: diff for diff in snapshot_diff(first.data, second.data)}

    assert [key for key, diff in diffs.items() if diff.changed] == ["work", "projects", "attachments"]
    work = diffs["work"]
    # In the order of the resubmitted file (by start date), the removed rows after.
    assert [(row.status, row.title) for row in work.rows] == [
        ("added", "中国电力工程顾问集团 · 实习工程师"),
        ("changed", "山东电力建设第三工程有限公司 · 助理工程师"),
        ("removed", "山东电力建设第三工程有限公司 · 项目技术负责人"),
    ]
    assert work.rows[1].changes == [Change("Referee's phone", "13900000000", "13912345678")]
    assert ("Employer", "中国电力工程顾问集团") in [(v.label, v.text) for v in work.rows[0].values]
    assert work.changes == []
    assert work.unchanged_rows == 0
    projects = diffs["projects"]
    assert [(row.status, row.changes) for row in projects.rows] == [
        (
            "changed",
            [Change("Results", "工程一次投运成功，获省级优质工程奖。", "工程一次投运成功。", long=True)],
        )
    ]
    assert [(row.status, row.title) for row in diffs["attachments"].rows] == [("added", "身份证.pdf")]
    assert diffs["attachments"].unchanged_rows == 1


def test_the_staff_comparison_page_shows_the_changes_and_folds_the_rest(
    world: World, resubmitted: Application
):
    page = f"/staff/{world.society.code}/applications/{resubmitted.uid}/review/changes/"

    html = world.client_for(world.staff).get(page).content.decode()

    assert "3 sections changed." in html
    assert '<td class="diff-old"><del>13900000000</del></td>' in html
    assert '<td class="diff-new"><ins>13912345678</ins></td>' in html
    assert '<span class="diff-badge diff-badge-removed">Removed</span>' in html
    assert html.count('<details class="card diff-unchanged"') == len(SECTION_KEYS) - 3
    # The review page links here once there is a second submission.
    review = world.client_for(world.staff).get(page.removesuffix("changes/")).content.decode()
    assert f'href="{page}"' in review


def test_an_earlier_round_can_be_compared_and_a_missing_one_is_not_found(
    world: World, resubmitted: Application
):
    page = f"/staff/{world.society.code}/applications/{resubmitted.uid}/review/changes/"
    client = world.client_for(world.staff)

    assert client.get(page + "?round=2").status_code == 200
    assert client.get(page + "?round=1").status_code == 404
    assert client.get(page + "?round=7").status_code == 404


def test_a_stored_file_reads_in_the_forms_order_whatever_order_the_database_keeps_its_keys(
    world: World, complete_draft: Application
):
    application_submit(application=complete_draft, by=world.applicant)
    data = ApplicationSnapshot.objects.get(application=complete_draft).data
    # PostgreSQL's jsonb hands keys back sorted by length: shuffle them the same way here.
    for section in data["sections"].values():
        section["fields"] = dict(sorted(section["fields"].items(), key=lambda item: (len(item[0]), item[0])))
        for row in section["rows"]:
            row["values"] = dict(sorted(row["values"].items(), key=lambda item: (len(item[0]), item[0])))

    shown = {section.section.key: section for section in file_sections(data)}

    assert [value.label for value in shown["personal"].values][:3] == [
        "Full name",
        "Name in English or pinyin",
        "Gender",
    ]
    assert [value.label for value in shown["education"].rows[0].values] == [
        "Degree",
        "From",
        "To",
        "Accredited engineering degree",
        "Degree certificate",
    ]
