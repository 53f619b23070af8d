"""Files in a given state for the work-queue tests, put there directly (a fixture shortcut):
the queue only reads, and the transition rules have their own tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from engcert.accounts.models import User
from engcert.applications.domain.application import application_create
from engcert.applications.domain.transition import application_transition
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application, PledgeSignature, PledgeText
from engcert.organisations.models import Discipline, Organisation
from engcert.privacy.crypto import blind_index
from engcert.privacy.identity_documents import normalise_document_number
from tests.conftest import World

S = ApplicationState
_serial = count(1)
BASE_TIME = timezone.make_aware(datetime(2026, 3, 1, 9, 0))


def queue_file(
    world: World,
    *,
    name: str = "",
    state: ApplicationState = S.SUBMITTED,
    unit: Organisation | None = None,
    grade: str = "PE",
    discipline: Discipline | None = None,
    simplified: bool = False,
    path: str = "full",
    unmet: list[str] | None = None,
    id_number: str = "",
    submitted_minutes: int | None = None,
    changed_minutes: int | None = None,
    signed: bool = False,
) -> Application:
    n = next(_serial)
    user = User.objects.create_user(
        email=f"queue{n}@example.com", password=None, full_name=name or f"申请人{n}"
    )
    application = application_create(batch=world.batch, applicant=user)
    values: dict[str, Any] = {
        "state": state,
        "full_name": name or f"申请人{n}",
        "unit": unit or world.unit,
        "grade": world.batch.grades.get(code=grade),
        "discipline": discipline
        or Discipline.objects.filter(society=world.society, parent__isnull=True).order_by("position").first(),
        "simplified_requested": simplified,
        "assessment_path": path,
        "eligibility_unmet": unmet or [],
        "submitted_at": None
        if state == S.DRAFT
        else BASE_TIME + timedelta(minutes=submitted_minutes if submitted_minutes is not None else n),
        "state_changed_at": BASE_TIME
        + timedelta(minutes=changed_minutes if changed_minutes is not None else 1000 + n),
    }
    if id_number:
        values["id_type"] = "prc_id"
        values["id_number"] = id_number
        values["id_number_index"] = blind_index(normalise_document_number("prc_id", id_number))
    for field, value in values.items():
        setattr(application, field, value)
    application.save()
    if signed:
        PledgeSignature.objects.create(
            application=application,
            pledge=PledgeText.objects.order_by("-effective_from").first(),
            typed_name=application.full_name,
            consents_to_verification=True,
            signed_at=timezone.now(),
        )
    return application


def resubmitted_file(world: World, **kwargs: Any) -> Application:
    """A file returned once for revision and sent back: the resubmission is on its record."""
    application = queue_file(world, state=S.SUBMITTED, **kwargs)
    application_transition(
        application=application, to_state=S.RETURNED, by=world.staff, reason="缺少学位证书。"
    )
    application_transition(application=application, to_state=S.RESUBMITTED, by=application.applicant)
    return application
