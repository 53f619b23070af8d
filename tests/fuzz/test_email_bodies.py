"""Emails are plain text: a name, a unit or a reason typed with markup, an apostrophe or an
ampersand is written in the email as typed, never as HTML entities (&#x27; &amp; &lt;); an
email that had an HTML alternative would hold it escaped there. Shown for every body template,
then through the real sending path (domain function → task → mail) of emails that carry text
people typed: a unit's name and a declined request's reason, an engineer's invitation, the
sign-in lock, a withdrawal's reason, a certificate suspended with a reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape

import engcert
from engcert.accounts.lockout import sign_in_failure_record
from engcert.accounts.models import User
from engcert.applications.domain.application import application_submit, application_withdraw
from engcert.certificates.status import certificate_suspend
from engcert.demo import builders
from engcert.organisations.models import Organisation
from engcert.units.domain import engineers_invite, unit_admin_request_create, unit_admin_request_decide
from engcert.units.enums import AdminRequestState
from tests.conftest import World
from tests.cpd.members import member_create, member_user
from tests.fuzz.test_email_subjects import TYPED, Anything, Everything

ENGCERT = Path(engcert.__file__).parent
BODIES = sorted(
    path.relative_to(path.parents[2]).as_posix()
    for path in ENGCERT.glob("**/templates/*/email*/*.txt")
    if "subject" not in path.name
)
ENTITIES = ("&#x27;", "&#39;", "&amp;", "&lt;", "&gt;", "&quot;")


class Typed(Anything):
    """As in the subjects' test, and a list with nothing in it where a body loops over one."""

    def __iter__(self) -> Any:
        return iter(())

    def __len__(self) -> int:
        return 0


class Everywhere(Everything):
    def __missing__(self, key: str) -> Typed:
        return Typed()


def test_the_bodies_are_found() -> None:
    assert len(BODIES) >= 20


@pytest.mark.parametrize("template", BODIES)
def test_a_body_template_writes_what_people_typed_as_typed(template: str) -> None:
    body = render_to_string(
        template, Everywhere(days=3, count=3, failures=3, panel_size=3, short_by=3, submitted=3, waiting=3)
    )

    assert [entity for entity in ENTITIES if entity in body] == []
    if "{{" in next(ENGCERT.glob(f"**/templates/{template}")).read_text():
        assert TYPED in body


Send = Callable[[], object]


def _declined_request(world: World) -> Send:
    Organisation.objects.filter(pk=world.unit.pk).update(name=TYPED, name_en=TYPED)
    world.unit.refresh_from_db()
    request = unit_admin_request_create(unit=world.unit, user=world.outsider, position="Engineer", note="")
    return lambda: unit_admin_request_decide(
        request=request, to_state=AdminRequestState.DECLINED, by=world.staff, reason=TYPED
    )


def _engineer_invited(world: World) -> Send:
    Organisation.objects.filter(pk=world.unit.pk).update(name=TYPED, name_en=TYPED)
    world.unit.refresh_from_db()
    return lambda: engineers_invite(
        unit=world.unit, batch=world.batch, people=[("new@example.com", TYPED)], by=world.unit_admin
    )


def _sign_in_locked(world: World) -> Send:
    User.objects.filter(pk=world.applicant.pk).update(full_name=TYPED)

    def lock() -> None:
        while sign_in_failure_record(login=world.applicant.email) is None:
            pass

    return lock


def _application_withdrawn(world: World) -> Send:
    draft = builders.application_complete_draft(
        batch=world.batch,
        applicant=world.applicant,
        person=builders.Person(TYPED, True, builders.date(1985, 3, 14), world.unit.name),
        unit=world.unit,
    )
    submitted = application_submit(application=draft, by=world.applicant)
    return lambda: application_withdraw(application=submitted, by=world.applicant, reason=TYPED)


def _certificate_suspended(world: World) -> Send:
    member = member_create(
        society=world.society,
        holder=member_user("member@example.com", TYPED),
        name=TYPED,
        valid_from=timezone.localdate() - timedelta(days=100),
        unit=world.unit,
    )
    return lambda: certificate_suspend(certificate=member.certificates.get(), reason=TYPED, by=world.staff)


PREPARES: list[Callable[[World], Send]] = [
    _declined_request,
    _engineer_invited,
    _sign_in_locked,
    _application_withdrawn,
    _certificate_suspended,
]


def _html_parts(message: EmailMessage) -> list[str]:
    alternatives = message.alternatives if isinstance(message, EmailMultiAlternatives) else []
    return [str(content) for content, mimetype in alternatives if mimetype == "text/html"]


@pytest.mark.django_db
@pytest.mark.parametrize("prepare", PREPARES, ids=[prepare.__name__.strip("_") for prepare in PREPARES])
def test_an_email_sent_with_typed_text_holds_it_as_typed_in_text_and_escaped_in_html(
    world: World, django_capture_on_commit_callbacks: Any, prepare: Callable[[World], Send]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        send = prepare(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send()

    [message] = mail.outbox
    assert TYPED in message.body
    assert [entity for entity in ENTITIES if entity in message.body + message.subject] == []
    for html in _html_parts(message):
        assert TYPED not in html and escape(TYPED) in html
