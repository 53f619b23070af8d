"""Background work for applications: emails after a state change, and what follows a submission."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from engcert.applications.enums import NEXT_STEPS, PUBLIC_LABELS, ApplicationState
from engcert.applications.models import Application
from engcert.applications.sections import SECTION_BY_KEY
from engcert.tasks_queue import rerunnable


@rerunnable
@task()
def application_notify_state_change(
    *, application_id: int, from_state: str, to_state: str, reason: str
) -> None:
    application = Application.objects.select_related("applicant", "batch").get(pk=application_id)
    user = application.applicant
    with translation.override(user.language):
        context = {
            "application": application,
            "status": PUBLIC_LABELS[to_state],
            "reason": reason,
            "next_step": NEXT_STEPS.get(to_state, ""),
            "member_number": _member_number(application) if to_state == ApplicationState.REGISTERED else "",
            "revision_items": _revision_items(application) if to_state == ApplicationState.RETURNED else [],
            "url": f"{settings.SITE_URL}/applications/{application.uid}/",
        }
        subject = render_to_string("applications/email/state_subject.txt", context).strip()
        body = render_to_string("applications/email/state_body.txt", context)
    send_mail(subject, body, None, [user.email])


@rerunnable
@task()
def application_after_submit(*, application_id: int) -> None:
    """What a submission sets going once it is committed: the referees are asked to confirm the
    claims that name them, and the statements are compared with everything the society holds."""
    # Both apps depend on applications; they are read here, at run time, not at import.
    from engcert.referees.domain.requests import referees_ask_after_submit
    from engcert.similarity.domain import application_texts_index

    referees_ask_after_submit(application_id=application_id)
    application_texts_index(application=Application.objects.get(pk=application_id))


def _member_number(application: Application) -> str:
    # Registration depends on applications; it is read here, at run time, not at import.
    from engcert.registration.selectors import registration_for

    registration = registration_for(application=application)
    return registration.member_number if registration is not None else ""


def _revision_items(application: Application) -> list[tuple[str, str]]:
    """What the latest return asks to change, section by section, in the reader's language."""
    # The review app depends on applications; it is read here, at run time, not at import.
    from engcert.review.selectors import revision_request_list

    request = revision_request_list(application=application).first()
    if request is None:
        return []
    return [
        (
            str(SECTION_BY_KEY[item.section].title) if item.section in SECTION_BY_KEY else item.section,
            item.reason,
        )
        for item in request.items.all()
    ]
