"""Applications submitted with chosen texts, so that what is compared is known exactly."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import date
from typing import Any

from engcert.accounts.models import User
from engcert.applications.domain.application import application_submit
from engcert.applications.models import Application
from engcert.batches.models import Batch
from engcert.demo import builders
from engcert.organisations.models import Organisation
from tests.conftest import PASSWORD
from tests.similarity.corpus import CORPUS

PROJECT_RESULTS = "工程按期投运，运行良好。"

CaptureOnCommit = Callable[..., AbstractContextManager[Any]]


def person_user(index: int) -> User:
    return builders.user_create(
        email=f"sim{index}@example.com",
        password=PASSWORD,
        full_name=f"{builders.SURNAMES[index % 20]}工{index}",
    )


def texts_set(application: Application, texts: Sequence[str]) -> None:
    """The first texts become the competency statements in area order, the next one the project's
    responsibilities (its results are PROJECT_RESULTS); areas left over get a text too brief to compare."""
    statements = list(application.statements.order_by("area__number"))
    for position, statement in enumerate(statements):
        statement.text = texts[position] if position < len(texts) else "见项目经历。"
        statement.save(update_fields=["text"])
    project = application.projects.get()
    project.responsibilities = texts[len(statements)] if len(texts) > len(statements) else "主持设计审查。"
    project.results = PROJECT_RESULTS
    project.save(update_fields=["responsibilities", "results"])


def submitted_with(
    capture: CaptureOnCommit,
    *,
    batch: Batch,
    unit: Organisation,
    applicant: User,
    index: int,
    texts: Sequence[str],
    birth: date | None = None,
) -> Application:
    """A complete application with these texts, submitted; the task after submission runs (the
    test settings run tasks at once), so its texts are indexed and compared as in production."""
    application = builders.application_complete_draft(
        batch=batch,
        applicant=applicant,
        person=builders.Person(
            applicant.full_name, index % 2 == 0, birth or date(1980, 1 + index % 12, 5), unit.name
        ),
        unit=unit,
        index=index,
    )
    texts_set(application, texts)
    with capture(execute=True):
        application_submit(application=application, by=applicant)
    application.refresh_from_db()
    return application


def own_texts(index: int) -> list[str]:
    """Six corpus texts nobody else in a test uses (index 0 to 7)."""
    return CORPUS[index * 6 : index * 6 + 6]
