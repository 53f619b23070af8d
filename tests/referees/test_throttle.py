"""The referee page and the answer are limited per client address, through the shared cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from engcert.applications.models import Application
from engcert.referees.models import RefereeRequest
from tests.referees.conftest import REFEREE_A, link_for


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def test_too_many_visits_from_one_address_are_refused_calmly(settings, submitted: Application) -> None:
    settings.ENGCERT_REFEREE_PAGES_PER_IP_PER_HOUR = 3
    li = link_for(REFEREE_A["referee_email"])
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    assert [guesser.get(f"/referee/{li.uid}/guess{n}/").status_code for n in range(3)] == [404, 404, 404]
    blocked = guesser.get(li.path)
    assert blocked.status_code == 429
    assert "Please wait a little" in blocked.content.decode()
    assert guesser.post(li.path, {}).status_code == 429
    assert RefereeRequest.objects.get(uid=li.uid).answered_at is None
    # Another address is not held back.
    assert Client(REMOTE_ADDR="198.51.100.7").get(li.path).status_code == 200
