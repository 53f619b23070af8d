"""The main forms, fuzzed through the real views over HTTP: whatever is typed or sent (NUL
bytes, control characters, huge text, unknown fields and choices), the answer is a page with
errors or a redirect, never a server error."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engcert.applications.models import Application
from engcert.demo import builders
from tests.conftest import World
from tests.cpd.members import member_create
from tests.fuzz.test_forms import ANY_TEXT
from tests.notices.conftest import objection_post, running_notice

FUZZ = settings(max_examples=12, database=None, suppress_health_check=list(HealthCheck))
ANSWERS = {200, 302, 400, 403, 404, 405, 429}


def values(names: list[str]) -> st.SearchStrategy[dict[str, str]]:
    """Each field present with generated text, or left out; now and then a field nobody asked for."""
    return st.fixed_dictionaries(
        {}, optional={name: ANY_TEXT for name in [*names, "unexpected", "csrfmiddlewaretoken"]}
    )


def answered(client: Client, method: str, path: str, data: dict[str, Any]) -> int:
    cache.clear()  # throttles are not under test here
    response = client.post(path, data) if method == "POST" else client.get(path, data)
    assert response.status_code in ANSWERS, (path, data, response.status_code)
    return response.status_code


@pytest.fixture
def draft(world: World) -> Application:
    return builders.application_complete_draft(
        batch=world.batch,
        applicant=world.applicant,
        person=builders.Person("王伟", True, builders.date(1985, 3, 14), world.unit.name),
        unit=world.unit,
    )


PERSONAL = ["full_name", "full_name_en", "gender", "birth_date", "nationality", "id_type", "id_number",
            "phone", "email", "address", "employer", "department_position"]  # fmt: skip


@FUZZ
@given(data=values(["login", "password", "remember"]))
def test_sign_in_answers_any_input_without_a_server_error(world: World, data: dict[str, str]) -> None:
    answered(Client(), "POST", reverse("account_login"), data)


@FUZZ
@given(data=values(["username", "email", "full_name", "password1", "password2"]))
def test_sign_up_answers_any_input_without_a_server_error(world: World, data: dict[str, str]) -> None:
    answered(Client(), "POST", reverse("account_signup"), data)


@FUZZ
@given(data=values(PERSONAL))
def test_the_personal_section_answers_any_input_without_a_server_error(
    world: World, draft: Application, data: dict[str, str]
) -> None:
    client = world.client_for(world.applicant)
    answered(client, "POST", f"/applications/{draft.uid}/edit/personal/", data)


@FUZZ
@given(data=values(["name", "position", "organisation", "employer", "start_date", "end_date", "description",
                    "results", "responsibilities", "role", "scale", "TOTAL_FORMS", "form-TOTAL_FORMS",
                    "form-INITIAL_FORMS", "form-0-name", "form-0-start_date"]))  # fmt: skip
def test_the_project_and_work_sections_answer_any_input_without_a_server_error(
    world: World, draft: Application, data: dict[str, str]
) -> None:
    client = world.client_for(world.applicant)
    for section in ("projects", "work", "education", "competency", "pledge"):
        answered(client, "POST", f"/applications/{draft.uid}/edit/{section}/", data)


@pytest.fixture
def notice_url(world: World) -> str:
    notice = running_notice(world)
    entry = notice.entries.get()
    return reverse("notices:object", kwargs={"uid": notice.uid, "entry": entry.uid})


@FUZZ
@given(data=values(["name", "phone", "email", "statement", "website"]))
def test_the_objection_form_answers_any_input_without_a_server_error(
    world: World, notice_url: str, data: dict[str, str]
) -> None:
    answered(Client(), "POST", notice_url, {**objection_post(), **data})


@FUZZ
@given(
    data=values(["registration", "activity_type", "title", "provider", "date", "hours", "remove_evidence"])
)
def test_a_cpd_activity_answers_any_input_without_a_server_error(world: World, data: dict[str, str]) -> None:
    if not hasattr(world, "_member"):
        member_create(
            society=world.society, holder=world.applicant, name="王伟",
            valid_from=timezone.localdate() - timedelta(days=400), unit=world.unit,
        )  # fmt: skip
        world._member = True  # type: ignore[attr-defined]
    answered(world.client_for(world.applicant), "POST", reverse("cpd:add"), data)


@FUZZ
@given(number=ANY_TEXT, data=values(["number"]))
def test_the_verification_lookup_answers_any_number_without_a_server_error(
    world: World, number: str, data: dict[str, str]
) -> None:
    client = Client()
    answered(client, "GET", reverse("certificates:verify"), data)
    if number.strip() and "/" not in number and "\x00" not in number:
        answered(client, "GET", reverse("certificates:verify_number", kwargs={"number": number[:200]}), {})


@FUZZ
@given(data=values(["q", "unit", "discipline", "grade", "page", "sort"]))
def test_the_register_search_answers_any_query_without_a_server_error(
    world: World, data: dict[str, str]
) -> None:
    answered(Client(), "GET", reverse("certificates:register"), data)


@FUZZ
@given(data=values(["q", "stage", "grade", "discipline", "unit", "path", "flag", "sort", "page"]))
def test_the_work_queue_answers_any_filter_without_a_server_error(world: World, data: dict[str, str]) -> None:
    client = world.client_for(world.staff)
    path = reverse("queue:queue", kwargs={"society": world.society.code, "pk": world.batch.pk})
    answered(client, "GET", path, data)


def test_a_nul_typed_into_a_name_is_an_error_beside_the_field_and_nothing_is_saved(
    world: World, draft: Application
) -> None:
    client = world.client_for(world.applicant)

    response = client.post(f"/applications/{draft.uid}/edit/personal/", {"full_name": "王\x00伟"})

    assert response.status_code == 200
    assert response.context["form"].errors["full_name"] == ["Null characters are not allowed."]
    draft.refresh_from_db()
    assert draft.full_name == "王伟"


def test_a_number_with_a_slash_is_an_error_beside_the_field_rather_than_a_server_error(world: World) -> None:
    # Found by the lookup's fuzzing above: the number is the last part of the result's address.
    response = Client().get(reverse("certificates:verify"), {"number": '=HYPERLINK("http://x","y")'})

    assert response.status_code == 200
    assert response.context["form"].errors["number"] == [
        "No certificate number has a slash (/) in it; please check what you typed."
    ]
