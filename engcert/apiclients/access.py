"""Fetching the organisation whose clients a page manages, and its clients and tokens:
404 for anyone who may not manage them."""

from __future__ import annotations

from django.http import Http404

from engcert.accounts.models import User
from engcert.apiclients.models import ApiClient, ApiToken
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation


def get_owner_for_user(*, user: User, society: str | None) -> Organisation:
    """The society (by its code) or, without a code, the alliance, if this person manages its clients."""
    if society is None:
        owner = Organisation.objects.filter(kind=OrganisationKind.ALLIANCE).order_by("pk").first()
    else:
        owner = Organisation.objects.filter(kind=OrganisationKind.SOCIETY, code=society).first()
    if owner is None or not user.has_perm("apiclients.manage_clients", owner):
        raise Http404
    return owner


def get_client_for_owner(*, owner: Organisation, pk: int) -> ApiClient:
    client = (
        ApiClient.objects.select_related("organisation", "created_by")
        .filter(pk=pk, organisation=owner)
        .first()
    )
    if client is None:
        raise Http404
    return client


def get_token_for_client(*, client: ApiClient, pk: int) -> ApiToken:
    token = ApiToken.objects.select_related("client__organisation").filter(pk=pk, client=client).first()
    if token is None:
        raise Http404
    return token
