"""The public register: only consenting members, only the fields they publish (shown and
searched), their latest certificate, pages; and its query count."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from engcert.certificates.enums import CertificateStatus
from engcert.certificates.listing import PAGE_SIZE
from engcert.certificates.models import Certificate
from tests.certificates.public_helpers import listed, member_certificate
from tests.conftest import World

pytestmark = pytest.mark.django_db


def names(client: Client, **query: str) -> list[str]:
    response = client.get(reverse("certificates:register"), query)
    assert response.status_code == 200
    return [row.name for row in response.context["rows"]]


def test_only_members_who_agreed_are_listed(world: World, client: Client):
    listed(member_certificate(world.society, name="甲"))
    member_certificate(world.society, name="乙")  # no consent recorded
    hidden = member_certificate(world.society, name="丙")
    listed(hidden).__class__.objects.filter(pk=hidden.registration.listing.pk).update(listed=False)
    assert names(client) == ["甲"]


def test_a_member_who_hides_their_unit_is_not_found_by_unit(world: World, client: Client):
    listed(member_certificate(world.society, name="甲", unit=world.unit), show_unit=True)
    listed(member_certificate(world.society, name="乙", unit=world.unit), show_unit=False)
    assert names(client, unit="电力建设") == ["甲"]
    assert names(client, unit="SEPCOIII") == ["甲"]
    body = client.get(reverse("certificates:register")).content.decode()
    assert body.count(world.unit.name_en) + body.count(world.unit.name) == 1


def test_the_english_name_is_shown_and_searched_only_with_consent(world: World, client: Client):
    listed(member_certificate(world.society, name="甲", name_en="Jia Yi"), show_name_en=True)
    listed(member_certificate(world.society, name="乙", name_en="Yi Bing"), show_name_en=False)
    assert names(client, q="jia") == ["甲"]
    assert names(client, q="Yi Bing") == []
    body = client.get(reverse("certificates:register")).content.decode()
    assert "Jia Yi" in body and "Yi Bing" not in body


def test_the_professional_field_is_shown_and_searched_only_with_consent(world: World, client: Client):
    shown = member_certificate(world.society, name="甲")
    listed(shown, show_discipline=True)
    listed(member_certificate(world.society, name="乙"), show_discipline=False)
    assert names(client, discipline=str(shown.discipline_id)) == ["甲"]
    # The field's parent finds it too.
    assert names(client, discipline=str(shown.discipline.parent_id)) == ["甲"]
    rows = client.get(reverse("certificates:register")).context["rows"]
    # Ordered by name (乙 before 甲 in code-point order).
    assert [(r.name, r.discipline) for r in rows] == [("乙", ""), ("甲", shown.discipline.display_name)]


def test_search_by_number_and_grade(world: World, client: Client):
    first = member_certificate(world.society, name="甲", grade_code="PE")
    listed(first)
    listed(member_certificate(world.society, name="乙", grade_code="SPE"))
    assert names(client, q=first.number.lower()) == ["甲"]
    assert names(client, grade="SPE") == ["乙"]
    assert names(client, q="乙", grade="PE") == []


def test_revoked_certificates_are_not_listed_and_each_member_shows_their_latest(world: World, client: Client):
    listed(member_certificate(world.society, name="甲", status=CertificateStatus.REVOKED))
    current = member_certificate(world.society, name="乙")
    listed(current)
    renewed = Certificate.objects.get(pk=current.pk)
    renewed.pk = None
    renewed.number, renewed.term, renewed.status_index = "CSEE-2031-RENEWED01", 2, 999
    renewed.save()
    response = client.get(reverse("certificates:register"))
    assert [(r.name, r.number) for r in response.context["rows"]] == [("乙", "CSEE-2031-RENEWED01")]


def test_the_register_is_paginated(world: World, client: Client):
    for i in range(PAGE_SIZE + 1):
        listed(member_certificate(world.society, name=f"成员{i:02d}"))
    first = client.get(reverse("certificates:register"))
    second = client.get(reverse("certificates:register"), {"page": 2})
    assert len(first.context["rows"]) == PAGE_SIZE
    assert [r.name for r in second.context["rows"]] == [f"成员{PAGE_SIZE:02d}"]
    assert "Page 2 of 2" in second.content.decode()


def test_the_register_takes_the_same_queries_for_one_and_three_members(
    world: World, client: Client, django_assert_num_queries
):
    listed(member_certificate(world.society, name="成一", unit=world.unit), show_unit=True)
    # Grades and fields for the search form, the count, the page of members.
    with django_assert_num_queries(5):
        response = client.get(reverse("certificates:register"), {"q": "成"})
    assert len(response.context["rows"]) == 1
    for name in ("成二", "成三"):
        listed(member_certificate(world.society, name=name, unit=world.unit), show_unit=True)
    with django_assert_num_queries(5):
        response = client.get(reverse("certificates:register"), {"q": "成"})
    assert len(response.context["rows"]) == 3
