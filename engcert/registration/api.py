"""The registrations' part of the JSON API: the alliance's systems confirm a candidate of a
package (who is then registered) or return them to the society with a reason, exactly as a
reviewer does on the alliance's pages. Needs the scope `registrations:write`, alliance clients only.

The client acts as the alliance reviewer who created it; the audit trail names the client."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import field_validator

from engcert.apiclients.api_support import (
    AUTH_ERRORS,
    MAX_ID,
    ApiError,
    ErrorOut,
    calling_token,
    client_with_scope,
    token_auth,
    token_throttle,
)
from engcert.apiclients.domain import (
    api_client_actor,
    registration_confirm_by_client,
    registration_return_by_client,
)
from engcert.apiclients.enums import ApiScope
from engcert.apiclients.models import ApiClient
from engcert.registration.domain import RegistrationError
from engcert.registration.models import PackageItem
from engcert.registration.rules import is_alliance_reviewer

router = Router(tags=["registrations"], auth=token_auth, throttle=[token_throttle])


class DecisionOut(Schema):
    item_id: int
    candidate: UUID = Field(..., description="The application's uid (see /candidates/{uid}).")
    outcome: str = Field(..., description="confirmed or returned.", examples=["confirmed"])
    state: str = Field(..., description="The application's state now.", examples=["registered"])
    member_number: str | None = Field(None, examples=["CEA-2025-000123"])
    reason: str = ""


class ReturnIn(Schema):
    reason: str = Field(
        ...,
        min_length=1,
        max_length=4000,
        description="Why the candidate goes back; the society and the candidate read it.",
        examples=["面试记录缺少第五能力要素的评价依据，请补充后重新报送。"],
    )

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip() or "\x00" in value:
            raise ValueError(_("Please say why the candidate is returned."))
        return value.strip()


def _item_for_client(request: HttpRequest, item: int) -> tuple[ApiClient, PackageItem]:
    client = client_with_scope(request, ApiScope.REGISTRATIONS_WRITE)
    if not client.is_alliance:
        raise ApiError(403, "alliance_only", _("Only the alliance's clients may decide on registrations."))
    if not is_alliance_reviewer(api_client_actor(client=client)):
        raise ApiError(
            403,
            "client_owner_not_reviewer",
            _(
                "The person who created this client no longer reviews for the alliance; "
                "ask a reviewer to create a new client."
            ),
        )
    found = (
        PackageItem.objects.select_related("package", "application").filter(pk=item).first()
        if 1 <= item <= MAX_ID
        else None
    )
    if found is None:
        raise Http404
    return client, found


def _conflict(error: RegistrationError) -> ApiError:
    return ApiError(409, "registration_conflict", str(error))


@router.post(
    "registrations/{item}/confirm",
    response={200: DecisionOut, 404: ErrorOut, 409: ErrorOut, **AUTH_ERRORS},
    summary="Confirm a candidate and register them",
    description=(
        "Confirms the candidate of a package item (`alliance.item_id` in the candidate's record): "
        "the application becomes registered and receives its national member number; the "
        "certificate is issued in the background. Confirming again returns the same answer. "
        "A candidate no longer waiting for the alliance is 409. Scope: `registrations:write` "
        "(alliance clients only)."
    ),
)
def registration_confirm_api(request: HttpRequest, item: int) -> DecisionOut:
    _client, found = _item_for_client(request, item)
    try:
        registration = registration_confirm_by_client(item=found, token=calling_token(request))
    except RegistrationError as error:
        raise _conflict(error) from error
    found.refresh_from_db()
    found.application.refresh_from_db(fields=["state"])
    return DecisionOut(
        item_id=found.pk,
        candidate=found.application.uid,
        outcome=found.outcome,
        state=found.application.state,
        member_number=registration.member_number,
    )


@router.post(
    "registrations/{item}/return",
    response={200: DecisionOut, 404: ErrorOut, 409: ErrorOut, **AUTH_ERRORS},
    summary="Return a candidate to the society",
    description=(
        "Returns the candidate of a package item to the society with a reason, which the "
        "candidate is told by email; the society may send them again. Returning again changes "
        "nothing. A candidate no longer waiting for the alliance is 409; an empty reason is 422. "
        "Scope: `registrations:write` (alliance clients only)."
    ),
)
def registration_return_api(request: HttpRequest, item: int, body: ReturnIn) -> DecisionOut:
    _client, found = _item_for_client(request, item)
    try:
        returned = registration_return_by_client(item=found, reason=body.reason, token=calling_token(request))
    except RegistrationError as error:
        raise _conflict(error) from error
    found.application.refresh_from_db(fields=["state"])
    return DecisionOut(
        item_id=returned.pk,
        candidate=found.application.uid,
        outcome=returned.outcome,
        state=found.application.state,
        member_number=None,
        reason=returned.reason,
    )
