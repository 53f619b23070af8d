"""The staff work queue of a batch: stages, filters, search, sorting, pages, and who may see it."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.utils import translation

from engcert.applications.enums import ApplicationState
from engcert.demo import builders
from engcert.organisations.models import Discipline
from engcert.review.selectors_queue import STAGE_STATES, QueueStage
from tests.review.queue_fixtures import queue_file, resubmitted_file

S = ApplicationState


def _url(world, **params) -> str:
    url = f"/staff/{world.society.code}/batches/{world.batch.pk}/queue/"
    return f"{url}?{urlencode(params, doseq=True)}" if params else url


def _get(world, **params):
    response = world.client_for(world.staff).get(_url(world, **params))
    assert response.status_code == 200
    return response


def _numbers(response) -> list[str]:
    """Application numbers of the rows, in the order shown."""
    return [row.number for row in response.context["rows"]]


def _tabs(response) -> dict[str, int]:
    return {tab["stage"].value: tab["count"] for tab in response.context["tabs"]}


# Stages


def test_every_state_but_draft_belongs_to_exactly_one_stage():
    stages = [stage for stage in QueueStage if stage != QueueStage.ALL]
    seen = [state for stage in stages for state in STAGE_STATES[stage]]
    assert sorted(seen) == sorted(set(S) - {S.DRAFT})
    assert STAGE_STATES[QueueStage.ALL] == frozenset(set(S) - {S.DRAFT})


def test_the_tabs_count_the_files_at_each_stage_and_drafts_are_not_in_the_queue(world):
    for state in (
        S.SUBMITTED,
        S.SUBMITTED,
        S.RESUBMITTED,
        S.RETURNED,
        S.INTERVIEWED,
        S.REJECTED,
        S.UNDER_APPEAL,
    ):
        queue_file(world, state=state)
    queue_file(world, state=S.DRAFT)
    never_submitted = queue_file(world, state=S.WITHDRAWN)
    never_submitted.submitted_at = None
    never_submitted.save()

    response = _get(world)

    assert _tabs(response) == {
        "all": 7,
        "review": 3,
        "returned": 1,
        "interview": 0,
        "committee": 1,
        "notice": 0,
        "alliance": 0,
        "certified": 0,
        "appeal": 1,
        "closed": 1,
    }
    assert len(_numbers(response)) == 7


def test_a_stage_tab_lists_only_its_files(world):
    submitted = queue_file(world, state=S.SUBMITTED)
    resubmitted = queue_file(world, state=S.RESUBMITTED)
    queue_file(world, state=S.INTERVIEWED)
    assert sorted(_numbers(_get(world, stage="review"))) == sorted([submitted.number, resubmitted.number])


def test_the_tab_counts_follow_the_other_filters(world):
    queue_file(world, state=S.SUBMITTED, unit=world.unit)
    queue_file(world, state=S.SUBMITTED, unit=world.other_unit)
    queue_file(world, state=S.INTERVIEWED, unit=world.other_unit)
    tabs = _tabs(_get(world, unit=world.other_unit.pk))
    assert (tabs["all"], tabs["review"], tabs["committee"]) == (2, 1, 1)


def test_the_tab_links_keep_the_filters_and_start_at_the_first_page(world):
    queue_file(world)
    response = _get(world, unit=world.unit.pk, q="王", page=2)
    queries = {tab["stage"].value: tab["query"] for tab in response.context["tabs"]}
    assert queries["committee"] == f"unit={world.unit.pk}&q=%E7%8E%8B&stage=committee"


# Filters


def test_filter_by_grade(world):
    pe = queue_file(world, grade="PE")
    queue_file(world, grade="SPE")
    grade = world.batch.grades.get(code="PE")
    assert _numbers(_get(world, grade=grade.pk)) == [pe.number]


def test_filter_by_a_field_includes_the_fields_under_it(world):
    generation = Discipline.objects.get(society=world.society, code="06")
    wind = Discipline.objects.get(society=world.society, code="06.4")
    transmission = Discipline.objects.get(society=world.society, code="07")
    in_generation = queue_file(world, discipline=generation)
    in_wind = queue_file(world, discipline=wind)
    queue_file(world, discipline=transmission)
    assert sorted(_numbers(_get(world, discipline=generation.pk))) == sorted(
        [in_generation.number, in_wind.number]
    )
    assert _numbers(_get(world, discipline=wind.pk)) == [in_wind.number]


def test_filter_by_unit(world):
    queue_file(world, unit=world.unit)
    other = queue_file(world, unit=world.other_unit)
    assert _numbers(_get(world, unit=world.other_unit.pk)) == [other.number]


def test_filter_by_assessment_path(world):
    queue_file(world, path="full")
    simplified = queue_file(world, path="simplified", simplified=True)
    assert _numbers(_get(world, path="simplified")) == [simplified.number]


def test_filter_by_flags_each_and_together(world):
    concern = queue_file(world, unmet=["工作年限不足4年。"])
    asks_simplified = queue_file(world, simplified=True)
    both = queue_file(world, unmet=["工作年限不足4年。"], simplified=True)
    again = resubmitted_file(world)
    queue_file(world)

    assert sorted(_numbers(_get(world, flag="eligibility"))) == sorted([concern.number, both.number])
    assert sorted(_numbers(_get(world, flag="simplified"))) == sorted([asks_simplified.number, both.number])
    assert _numbers(_get(world, flag="resubmitted")) == [again.number]
    assert _numbers(_get(world, flag=["eligibility", "simplified"])) == [both.number]


def test_a_file_returned_but_not_yet_sent_back_is_not_flagged_as_resubmitted(world):
    returned = queue_file(world, state=S.SUBMITTED)
    from engcert.applications.domain.transition import application_transition

    application_transition(application=returned, to_state=S.RETURNED, by=world.staff, reason="缺页。")
    assert _numbers(_get(world, flag="resubmitted")) == []


def test_the_form_shows_the_chosen_filters_and_order(world):
    queue_file(world)
    grade = world.batch.grades.get(code="PE")
    html = _get(
        world, grade=grade.pk, unit=world.other_unit.pk, path="full", sort="-changed"
    ).content.decode()
    chosen = re.findall(r'<option value="([^"]*)" selected>', html)
    assert chosen == [str(grade.pk), "", str(world.other_unit.pk), "full", "-changed"]
    assert html.count('<select name="') == 5


def test_a_filter_value_that_is_not_an_option_is_shown_as_an_error_and_ignored(world):
    one = queue_file(world)
    response = _get(world, grade="999999", unit="x", sort="password", stage="nonsense")
    assert _numbers(response) == [one.number]
    form = response.context["form"]
    assert set(form.errors) == {"grade", "unit", "sort", "stage"}
    assert 'class="field has-error"' in response.content.decode()


# Search


def test_search_by_part_of_the_name(world):
    wang = queue_file(world, name="王建国")
    queue_file(world, name="李娜")
    assert _numbers(_get(world, q="建国")) == [wang.number]


def test_search_by_the_name_in_english_or_pinyin_ignores_case(world):
    wang = queue_file(world, name="王伟")
    wang.full_name_en = "WANG Wei"
    wang.save(update_fields=["full_name_en"])
    queue_file(world, name="李娜")
    assert _numbers(_get(world, q="wang wei")) == [wang.number]
    assert _numbers(_get(world, q="  王 伟 ")) == []  # spaces inside a Chinese name are not in it
    assert _numbers(_get(world, q=" 王伟 ")) == [wang.number]


def test_search_by_the_exact_application_number_or_its_beginning(world):
    first = queue_file(world)
    second = queue_file(world)
    assert _numbers(_get(world, q=first.number)) == [first.number]
    assert _numbers(_get(world, q=first.number.lower())) == [first.number]
    common = first.number[: len(first.number) - 6]
    assert sorted(_numbers(_get(world, q=common))) == sorted([first.number, second.number])
    # The number's tail alone is not a prefix: nothing matches on it.
    assert _numbers(_get(world, q=first.number[-6:])) == []


@pytest.mark.parametrize("cap", [5000, 2], ids=["matches-read-once", "beyond-the-cap"])
def test_a_search_counts_and_pages_the_same_however_many_it_matches(world, monkeypatch, cap):
    monkeypatch.setattr("engcert.review.selectors_queue.SEARCH_CAP", cap)
    monkeypatch.setattr("engcert.review.selectors_queue.PER_PAGE", 2)
    wangs = [
        queue_file(world, name=f"王{given}", state=state, submitted_minutes=i)
        for i, (given, state) in enumerate(
            [("伟", S.SUBMITTED), ("芳", S.INTERVIEWED), ("娜", S.SUBMITTED), ("强", S.RESUBMITTED)]
        )
    ]
    queue_file(world, name="李娜", state=S.SUBMITTED)
    response = _get(world, q="王", stage="review", page=2)
    tabs = _tabs(response)
    assert (tabs["all"], tabs["review"], tabs["committee"]) == (4, 3, 1)
    assert _numbers(response) == [wangs[3].number]
    assert (response.context["page"].number, response.context["page"].pages) == (2, 2)


def test_search_by_identity_document_number_in_any_typing(world):
    number = builders.prc_id_number(birth=builders.date(1985, 3, 14), male=True, sequence=21)
    holder = queue_file(world, id_number=number)
    queue_file(world, id_number=builders.prc_id_number(birth=builders.date(1990, 1, 2), male=False))
    typed = " ".join([number[:6], number[6:14], number[14:].lower()])  # spaced, lower-case check letter
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert _numbers(_get(world, q=number)) == [holder.number]
    assert _numbers(_get(world, q=typed)) == [holder.number]
    assert _numbers(_get(world, q=full_width)) == [holder.number]
    # Part of a document number finds nothing: the index matches whole numbers only.
    assert _numbers(_get(world, q=number[:10])) == []


def test_search_by_document_number_and_the_list_never_decrypt_a_row(world, monkeypatch):
    number = builders.prc_id_number(birth=builders.date(1985, 3, 14), male=True)
    holder = queue_file(world, id_number=number)

    def refuse(*args, **kwargs):
        raise AssertionError("a row was decrypted")

    monkeypatch.setattr("engcert.privacy.crypto.decrypt", refuse)
    assert _numbers(_get(world, q=number)) == [holder.number]


def test_the_search_box_keeps_what_was_typed(world):
    response = _get(world, q="<王>")
    html = response.content.decode()
    assert 'value="&lt;王&gt;"' in html
    assert "<王>" not in html


# Sorting and pages


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Chen Bo", "Li Na", "Wang Wei"]),
        ("-name", ["Wang Wei", "Li Na", "Chen Bo"]),
        ("submitted", ["Li Na", "Wang Wei", "Chen Bo"]),
        ("-submitted", ["Chen Bo", "Wang Wei", "Li Na"]),
        ("changed", ["Wang Wei", "Chen Bo", "Li Na"]),
        ("-changed", ["Li Na", "Chen Bo", "Wang Wei"]),
    ],
)
def test_sorting_by_whitelisted_columns_both_ways(world, sort, expected):
    queue_file(world, name="Li Na", submitted_minutes=1, changed_minutes=30)
    queue_file(world, name="Wang Wei", submitted_minutes=2, changed_minutes=10)
    queue_file(world, name="Chen Bo", submitted_minutes=3, changed_minutes=20)
    assert [row.full_name for row in _get(world, sort=sort).context["rows"]] == expected


def test_sorting_by_number_grade_and_unit(world):
    a = queue_file(world, grade="SPE", unit=world.other_unit)
    b = queue_file(world, grade="AE", unit=world.unit)
    c = queue_file(world, grade="PE", unit=world.other_unit)
    assert _numbers(_get(world, sort="number")) == [a.number, b.number, c.number]
    assert _numbers(_get(world, sort="-number")) == [c.number, b.number, a.number]
    assert _numbers(_get(world, sort="grade")) == [b.number, c.number, a.number]
    by_unit = sorted(
        [(world.unit.name, b.number), (world.other_unit.name, a.number), (world.other_unit.name, c.number)]
    )
    assert _numbers(_get(world, sort="unit")) == [n for _u, n in by_unit]


def test_sorting_by_unit_follows_the_unit_names_in_the_readers_language(world):
    first_in_chinese = builders.unit_create(
        society=world.society, code="u1", name="一单位", name_en="Zulu Works"
    )
    first_in_english = builders.unit_create(
        society=world.society, code="u2", name="乙单位", name_en="Alpha Works"
    )
    zulu = queue_file(world, unit=first_in_chinese)
    alpha = queue_file(world, unit=first_in_english)
    assert _numbers(_get(world, sort="unit")) == [alpha.number, zulu.number]
    client = world.client_for(world.staff)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(_url(world, sort="unit"))
    assert _numbers(response)[:2] == [zulu.number, alpha.number]
    response = client.get(_url(world, sort="-unit"))
    assert _numbers(response)[-2:] == [alpha.number, zulu.number]


def test_each_row_shows_the_file_as_staff_need_it(world):
    wind = Discipline.objects.get(society=world.society, code="06.4")
    queue_file(
        world,
        name="王伟",
        grade="SPE",
        discipline=wind,
        unit=world.other_unit,
        unmet=["工作年限不足。"],
        simplified=True,
        path="simplified",
        submitted_minutes=5,
        changed_minutes=2 * 24 * 60 + 30,
    )
    [row] = _get(world).context["rows"]
    assert (row.full_name, row.unit, row.grade, row.field, row.state_label) == (
        "王伟",
        "CPECC",
        "Senior Professional Engineer",
        "Power generation / Wind power",
        "Submitted",
    )
    assert [text for text, _css, _title in row.flags] == ["eligibility", "simplified path"]
    assert row.flags[0][2] == "工作年限不足。"
    assert (row.submitted_day, row.submitted_time, row.changed_day, row.changed_time) == (
        "2026-03-01",
        "09:05",
        "2026-03-03",
        "09:30",
    )


def test_the_default_order_is_oldest_submission_first(world):
    late = queue_file(world, submitted_minutes=50)
    early = queue_file(world, submitted_minutes=5)
    assert _numbers(_get(world)) == [early.number, late.number]


def test_a_column_header_sorts_by_it_and_a_second_click_reverses(world):
    queue_file(world)
    columns = _get(world, sort="name", stage="review").context["columns"]
    assert columns["name"]["query"] == "stage=review&sort=-name"
    assert columns["name"]["order"] == "ascending"
    assert columns["unit"]["query"] == "stage=review&sort=unit"


def test_pages_of_fifty_with_the_right_rows_on_each(world):
    files = [queue_file(world, submitted_minutes=i) for i in range(53)]
    first = _get(world)
    second = _get(world, page=2)
    assert _numbers(first) == [f.number for f in files[:50]]
    assert _numbers(second) == [f.number for f in files[50:]]
    assert (second.context["page"].number, second.context["page"].pages) == (2, 2)
    assert "51–53 of 53" in second.content.decode()


@pytest.mark.parametrize("page", ["0", "-3", "99", "abc", ""])
def test_a_page_number_out_of_range_or_not_a_number_shows_the_nearest_page(world, page):
    queue_file(world)
    response = _get(world, page=page)
    assert len(_numbers(response)) == 1


# Each row leads to the file


def test_each_row_links_to_the_staff_review_page_of_the_file(world):
    application = queue_file(world)
    html = _get(world).content.decode()
    links = re.findall(r'<a href="([^"]+)">' + re.escape(application.number), html)
    assert links == [f"/staff/{world.society.code}/applications/{application.uid}/review/"]


def test_the_batch_page_leads_to_its_work_queue(world):
    html = (
        world.client_for(world.staff)
        .get(f"/staff/{world.society.code}/batches/{world.batch.pk}/")
        .content.decode()
    )
    assert f'href="{_url(world)}"' in html


# Who may see it


@pytest.mark.parametrize(
    "persona", ["applicant", "outsider", "unit_admin", "examiner", "committee", "reviewer"]
)
def test_people_who_are_not_staff_of_the_society_get_not_found(world, persona):
    queue_file(world)
    response = world.client_for(getattr(world, persona)).get(_url(world))
    assert response.status_code == 404


def test_staff_of_another_society_get_not_found(world, other_society_staff):
    queue_file(world)
    client = world.client_for(other_society_staff)
    assert client.get(_url(world)).status_code == 404
    # Nor through their own society's address with this batch's number.
    assert client.get(f"/staff/other/batches/{world.batch.pk}/queue/").status_code == 404


def test_a_visitor_is_sent_to_sign_in(client, world):
    response = client.get(_url(world))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_page_reads_in_chinese_by_default(world):
    queue_file(world, state=S.SUBMITTED)
    client = world.client_for(world.staff)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(_url(world)).content.decode()
    with translation.override("zh-hans"):
        submitted = str(S.SUBMITTED.label)
    assert submitted != "Submitted"
    assert '<html lang="zh-Hans">' in html
    assert f'<span class="status status-submitted">{submitted}</span>' in html
