"""Shared steps of the initial-review tests: a submitted file, a ticked checklist, the page URLs."""

from __future__ import annotations

from django.urls import reverse

from engcert.accounts.models import User
from engcert.applications.domain.application import application_submit
from engcert.applications.models import Application
from engcert.review.domain import initial_review_checklist_save
from tests.conftest import World

ALL_TICKED = {
    "documents_complete": True,
    "documents_legible": True,
    "eligibility_confirmed": True,
    "unit_endorsement_received": True,
}


def submitted(application: Application) -> Application:
    return application_submit(application=application, by=application.applicant)


def tick_all(application: Application, staff: User) -> None:
    initial_review_checklist_save(application=application, by=staff, ticked=ALL_TICKED, notes="")


def url(world: World, application: Application, name: str = "application", **kwargs: object) -> str:
    return reverse(f"review:{name}", kwargs={"society": world.society.code, "uid": application.uid, **kwargs})
