"""The demo shows staff one flagged pair, and nothing else, after `make run`."""

from __future__ import annotations

from engcert.applications.domain.application import application_submit
from engcert.demo import builders
from engcert.demo.similarity import STATEMENTS, similarity_demo_load
from engcert.similarity.models import IndexedText, SimilarPair
from tests.conftest import World
from tests.similarity.helpers import person_user


def test_the_demo_flags_exactly_the_two_applicants_it_made_copy(world: World) -> None:
    # Demo applications as load_demo builds them: their builder texts are alike on purpose.
    applications = []
    for index in range(4):
        applicant = person_user(index)
        application = builders.application_complete_draft(
            batch=world.batch,
            applicant=applicant,
            person=builders.person_for(index, employer=world.unit.name),
            unit=world.unit,
            index=index,
        )
        applications.append(application_submit(application=application, by=applicant))
    pair = similarity_demo_load(batch=world.batch)
    assert pair is not None
    assert SimilarPair.objects.get() == pair
    assert (pair.earlier.application_id, pair.later.application_id) == (
        applications[0].pk,
        applications[1].pk,
    )
    assert pair.earlier.text == STATEMENTS[0]
    assert 0.7 <= pair.score < 1.0
    # Of the 24 texts, one made of two short sentences is under the 40 characters worth comparing.
    assert IndexedText.objects.count() == 23
