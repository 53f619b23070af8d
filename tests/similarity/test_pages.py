"""Staff see flagged pairs on the initial review page, side by side and per batch, and record
their conclusion; examiners, units, applicants and other societies' staff see none of it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engcert.accounts.models import User
from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.similarity.enums import PairStatus
from engcert.similarity.models import SimilaritySettings, SimilarPair
from tests.conftest import World
from tests.similarity.corpus import CORPUS
from tests.similarity.edits import EDITS
from tests.similarity.helpers import CaptureOnCommit, own_texts, person_user, submitted_with


def _first(world: World, capture: CaptureOnCommit) -> Application:
    return submitted_with(
        capture, batch=world.batch, unit=world.unit, applicant=world.applicant, index=0, texts=own_texts(0)
    )


def _copier(
    world: World, capture: CaptureOnCommit, *, index: int, copied: str, applicant: User | None = None
) -> Application:
    return submitted_with(
        capture,
        batch=world.batch,
        unit=world.unit,
        applicant=applicant or person_user(index),
        index=index,
        texts=[copied, *own_texts(index)[1:]],
    )


@pytest.fixture
def flagged(world: World, django_capture_on_commit_callbacks: CaptureOnCommit) -> SimilarPair:
    _first(world, django_capture_on_commit_callbacks)
    _copier(
        world,
        django_capture_on_commit_callbacks,
        index=1,
        copied=EDITS["reordered"](CORPUS[0]),
        applicant=world.other_applicant,
    )
    return SimilarPair.objects.select_related("earlier__application", "later__application").get()


def _pair_url(world: World, pair: SimilarPair) -> str:
    return reverse("similarity:pair", args=[world.society.code, pair.pk])


def _batch_url(world: World) -> str:
    return reverse("similarity:batch", args=[world.society.code, world.batch.code])


def test_the_initial_reviewer_sees_the_other_applicants_name_number_and_batch(
    world: World, flagged: SimilarPair
) -> None:
    later = flagged.later.application
    earlier = flagged.earlier.application
    url = reverse("review:application", args=[world.society.code, later.uid])
    html = world.client_for(world.staff).get(url).content.decode()
    panel = html.split('id="similar-texts"')[1].split("</section>")[0]
    assert f'<span class="sim-score">{round(flagged.score * 100)} %</span>' in panel
    assert (
        f'<span class="sim-who">{earlier.full_name}</span> · {earlier.number} · {world.batch.display_name}'
        in panel
    )
    assert _pair_url(world, flagged) in panel
    assert "Not yet reviewed" in panel


def test_an_application_without_similar_texts_says_so(
    world: World, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    application = _first(world, django_capture_on_commit_callbacks)
    url = reverse("review:application", args=[world.society.code, application.uid])
    html = world.client_for(world.staff).get(url).content.decode()
    assert (
        "No text of this application resembles another applicant's at or above the society's threshold (50 %)."
        in html
    )


def test_the_side_by_side_page_marks_the_passages_both_texts_share(
    world: World, flagged: SimilarPair
) -> None:
    response = world.client_for(world.staff).get(_pair_url(world, flagged))
    html = response.content.decode()
    (earlier, earlier_segments), (later, later_segments) = response.context["sides"]
    assert (earlier.text, later.text) == (CORPUS[0], EDITS["reordered"](CORPUS[0]))
    # Reordered sentences: every sentence is shared, so the unmarked rest is at most punctuation.
    assert "".join(s.text for s in earlier_segments if not s.shared).strip("。，") == ""
    assert "".join(s.text for s in later_segments) == later.text
    assert html.split('class="sim-sides"')[1].count("<mark>") == len(
        [s for s in earlier_segments + later_segments if s.shared]
    )
    assert flagged.earlier.application.full_name in html
    assert flagged.later.application.full_name in html


@pytest.mark.parametrize(
    "who", ["examiner", "committee", "unit_admin", "applicant", "other_applicant", "reviewer"]
)
def test_the_side_by_side_page_and_the_batch_list_are_refused_to_anyone_but_the_societys_staff(
    world: World, flagged: SimilarPair, who: str
) -> None:
    client = world.client_for(getattr(world, who))
    codes = [
        client.get(_pair_url(world, flagged)).status_code,
        client.post(_pair_url(world, flagged), {"status": "not_concern", "note": "无"}).status_code,
        client.get(_batch_url(world)).status_code,
        client.get(reverse("similarity:settings", args=[world.society.code])).status_code,
    ]
    assert codes == [404, 404, 404, 404]
    flagged.refresh_from_db()
    assert flagged.status == PairStatus.OPEN


def test_another_societys_staff_are_refused(
    world: World, flagged: SimilarPair, other_society_staff: User
) -> None:
    client = world.client_for(other_society_staff)
    assert [
        client.get(_pair_url(world, flagged)).status_code,
        client.get(reverse("similarity:pair", args=["other", flagged.pk])).status_code,
        client.get(_batch_url(world)).status_code,
    ] == [404, 404, 404]


def test_someone_signed_out_is_sent_to_sign_in(world: World, flagged: SimilarPair) -> None:
    from django.test import Client

    response = Client().get(_pair_url(world, flagged))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_staff_record_their_conclusion_with_a_note_and_it_is_audited(
    world: World, flagged: SimilarPair
) -> None:
    response = world.client_for(world.staff).post(
        _pair_url(world, flagged), {"status": "copied", "note": "与申请人面谈，承认参考了同事的材料。"}
    )
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert (flagged.status, flagged.note, flagged.reviewed_by) == (
        PairStatus.COPIED,
        "与申请人面谈，承认参考了同事的材料。",
        world.staff,
    )
    event = AuditEvent.objects.get(action="similarity.pair_reviewed")
    assert (
        event.actor,
        event.subject_id,
        event.from_state,
        event.to_state,
        event.reason,
        event.application_id,
    ) == (
        world.staff,
        str(flagged.pk),
        "open",
        "copied",
        "与申请人面谈，承认参考了同事的材料。",
        flagged.later.application_id,
    )


def test_a_conclusion_without_a_note_is_refused_next_to_the_field(world: World, flagged: SimilarPair) -> None:
    response = world.client_for(world.staff).post(
        _pair_url(world, flagged), {"status": "not_concern", "note": ""}
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"note": ["Say briefly why, for the record."]}
    flagged.refresh_from_db()
    assert flagged.status == PairStatus.OPEN
    assert AuditEvent.objects.filter(action="similarity.pair_reviewed").count() == 0


def test_the_batch_list_takes_the_same_queries_for_one_pair_as_for_three(
    world: World, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    client = world.client_for(world.staff)
    _first(world, django_capture_on_commit_callbacks)
    _copier(world, django_capture_on_commit_callbacks, index=1, copied=CORPUS[0])
    client.get(_batch_url(world))
    with CaptureQueriesContext(connection) as one:
        client.get(_batch_url(world))
    _copier(world, django_capture_on_commit_callbacks, index=2, copied=CORPUS[1])
    _copier(world, django_capture_on_commit_callbacks, index=3, copied=CORPUS[2])
    with CaptureQueriesContext(connection) as three:
        response = client.get(_batch_url(world))
    assert len(response.context["pairs"]) == 3
    assert len(three) == len(one)


def test_the_batch_list_sorts_by_similarity_either_way(
    world: World, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    _first(world, django_capture_on_commit_callbacks)
    _copier(world, django_capture_on_commit_callbacks, index=1, copied=EDITS["characters"](CORPUS[0]))
    _copier(world, django_capture_on_commit_callbacks, index=2, copied=CORPUS[1])
    _copier(world, django_capture_on_commit_callbacks, index=3, copied=EDITS["all"](CORPUS[2]))
    client = world.client_for(world.staff)
    most = [p.score for p in client.get(_batch_url(world)).context["pairs"]]
    least = [p.score for p in client.get(_batch_url(world) + "?sort=score").context["pairs"]]
    assert len(most) == 3
    assert most == sorted(most, reverse=True)
    assert least == list(reversed(most))
    assert most[0] == 1.0


def test_staff_change_the_threshold_and_a_later_copy_below_it_is_not_flagged(
    world: World, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    url = reverse("similarity:settings", args=[world.society.code])
    client = world.client_for(world.staff)
    refused = client.post(url, {"threshold": "0.99"})
    assert refused.status_code == 400
    assert refused.context["form"].errors == {
        "threshold": ["Ensure this value is less than or equal to 0.95."]
    }
    assert client.post(url, {"threshold": "0.95"}).status_code == 302
    assert SimilaritySettings.objects.get(society=world.society).threshold == Decimal("0.95")
    event = AuditEvent.objects.get(action="similarity.threshold_set")
    assert (event.actor, event.data) == (world.staff, {"from": "0.50", "to": "0.95"})
    _first(world, django_capture_on_commit_callbacks)
    _copier(world, django_capture_on_commit_callbacks, index=1, copied=EDITS["characters"](CORPUS[0]))
    _copier(world, django_capture_on_commit_callbacks, index=2, copied=CORPUS[1])
    assert list(SimilarPair.objects.values_list("score", flat=True)) == [1.0]
