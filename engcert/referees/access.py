"""Finding what a link or a page acts on: a referee's request by its token, an application's
claim for its applicant, a request for the society's staff."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.http import Http404
from django.utils import timezone

from engcert.accounts.models import User
from engcert.applications.access import get_application_for_user
from engcert.applications.models import Application
from engcert.organisations.models import Organisation
from engcert.referees.domain.requests import token_hash
from engcert.referees.enums import RequestState
from engcert.referees.models import RefereeClaim, RefereeRequest, RefereeToken


class LinkStatus:
    OPEN = "open"
    UNKNOWN = "unknown"  # no such link, or a token that is not this link's
    SUPERSEDED = "superseded"  # a newer email carries the link
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    ANSWERED = "answered"


@dataclass(frozen=True)
class Link:
    status: str
    request: RefereeRequest | None


def referee_link_resolve(*, uid: UUID, token: str) -> Link:
    """What a link opens. A token opens only its own request, and only while it is the newest."""
    if not token or len(token) > 100:
        return Link(LinkStatus.UNKNOWN, None)
    found = (
        RefereeToken.objects.select_related("request__application__batch__society")
        .filter(request__uid=uid, token_hash=token_hash(token))
        .first()
    )
    if found is None:
        return Link(LinkStatus.UNKNOWN, None)
    request = found.request
    if request.state == RequestState.ANSWERED:
        return Link(LinkStatus.ANSWERED, request)
    if request.state == RequestState.WITHDRAWN:
        return Link(LinkStatus.WITHDRAWN, request)
    if found.retired_at is not None:
        return Link(LinkStatus.SUPERSEDED, request)
    if request.is_expired(timezone.now()):
        return Link(LinkStatus.EXPIRED, request)
    return Link(LinkStatus.OPEN, request)


def get_claim_for_applicant(*, user: User, uid: UUID, claim_uid: UUID) -> tuple[Application, RefereeClaim]:
    """A claim put to a referee, for the application's own applicant: 404 for anyone else who may
    not see the application; the caller checks the permission to act."""
    application = get_application_for_user(user=user, uid=uid)
    claim = (
        RefereeClaim.objects.select_related("request__application__batch__society", "project", "work_entry")
        .filter(uid=claim_uid, request__application=application)
        .first()
    )
    if claim is None:
        raise Http404
    return application, claim


def get_request_for_staff(*, society: Organisation, application: Application, uid: UUID) -> RefereeRequest:
    request = (
        RefereeRequest.objects.select_related("application__batch__society")
        .filter(uid=uid, application=application, application__batch__society=society)
        .first()
    )
    if request is None:
        raise Http404
    return request
