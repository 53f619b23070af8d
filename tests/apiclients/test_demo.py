"""The demo's API clients work with the tokens it prints."""

from __future__ import annotations

import io

from engcert.demo.apiclients import apiclients_demo_load
from tests.apiclients.conftest import call
from tests.conftest import World


def test_the_demo_makes_a_society_client_and_an_alliance_client_whose_tokens_work(world: World):
    out = io.StringIO()

    tokens = apiclients_demo_load(
        society=world.society, staff=world.staff, alliance=world.alliance, reviewer=world.reviewer, stdout=out
    )

    assert [call("GET", "batches", token=token)[0] for token in (tokens.society, tokens.alliance)] == [
        200,
        200,
    ]
    assert tokens.society in out.getvalue() and tokens.alliance in out.getvalue()
    assert call("POST", "registrations/1/confirm", token=tokens.society)[1]["code"] == "scope_missing"
