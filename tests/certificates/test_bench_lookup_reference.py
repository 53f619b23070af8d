"""The bench's reference point for verification (bench/urls.py): the verification's lookup alone,
served only by the bench's server, beside every address engcert serves."""

from __future__ import annotations

from django.test import Client, override_settings
from django.urls import reverse

from tests.certificates.public_helpers import member_certificate
from tests.conftest import World


@override_settings(ROOT_URLCONF="bench.urls")
def test_the_lookup_alone_answers_with_the_number_and_engcert_still_serves_its_pages(
    world: World, client: Client
):
    certificate = member_certificate(world.society)
    response = client.get(f"/bench/lookup/{certificate.number}/")
    assert response.status_code == 200
    assert response.content == certificate.number.encode()
    assert client.get("/bench/lookup/NO-SUCH-NUMBER/").status_code == 404
    page = client.get(reverse("certificates:verify_number", args=[certificate.number]))
    assert page.status_code == 200
    assert certificate.number in page.content.decode()


def test_engcert_itself_does_not_serve_the_reference(world: World, client: Client):
    certificate = member_certificate(world.society)
    assert client.get(f"/bench/lookup/{certificate.number}/").status_code == 404
