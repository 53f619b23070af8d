"""The pages where a society's staff, or the alliance's reviewers, manage their API clients: the
list with a form for a new client, one client with its tokens, a new token (shown once) and
revoking a token. The same views serve both; without a society code they act for the alliance."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from engcert.accounts.models import User
from engcert.apiclients.access import get_client_for_owner, get_owner_for_user, get_token_for_client
from engcert.apiclients.domain import (
    ApiClientError,
    IssuedToken,
    api_client_create,
    api_token_issue,
    api_token_revoke,
    scopes_for,
)
from engcert.apiclients.forms import ClientForm
from engcert.apiclients.models import ApiClient
from engcert.apiclients.selectors import api_client_list, api_token_list
from engcert.organisations.models import Organisation


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _url(name: str, owner: Organisation, society: str | None, *args: object) -> str:
    if society is None:
        return reverse(f"apiclients:alliance_{name}", args=args)
    return reverse(f"apiclients:society_{name}", args=(owner.code, *args))


def _context(owner: Organisation, society: str | None, **extra: object) -> dict[str, object]:
    return {
        "owner": owner,
        "society": owner if society is not None else None,
        "list_url": _url("list", owner, society),
        **extra,
    }


@login_required
@never_cache
def client_list(request: HttpRequest, society: str | None = None) -> HttpResponse:
    owner = get_owner_for_user(user=_user(request), society=society)
    form = ClientForm(request.POST or None, scopes=scopes_for(owner))
    if request.method == "POST" and form.is_valid():
        try:
            client, issued = api_client_create(
                organisation=owner,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_on=form.cleaned_data["expires_on"],
                by=_user(request),
            )
        except ApiClientError as error:
            form.add_error(None, str(error))
        else:
            return _token_shown(request, owner, society, client, issued, created=True)
    clients = list(api_client_list(owner=owner))
    return render(
        request,
        "apiclients/list.html",
        _context(
            owner,
            society,
            clients=[(client, _url("detail", owner, society, client.pk)) for client in clients],
            form=form,
        ),
        status=400 if form.is_bound and form.errors else 200,
    )


def _token_shown(
    request: HttpRequest,
    owner: Organisation,
    society: str | None,
    client: ApiClient,
    issued: IssuedToken,
    *,
    created: bool,
) -> HttpResponse:
    """The only page that ever shows the token; it is not kept by the browser's cache."""
    response = render(
        request,
        "apiclients/token_shown.html",
        _context(
            owner,
            society,
            client=client,
            issued=issued,
            created=created,
            detail_url=_url("detail", owner, society, client.pk),
        ),
        status=201,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@never_cache
def client_detail(request: HttpRequest, pk: int, society: str | None = None) -> HttpResponse:
    owner = get_owner_for_user(user=_user(request), society=society)
    client = get_client_for_owner(owner=owner, pk=pk)
    tokens = [
        (token, _url("revoke", owner, society, client.pk, token.pk))
        for token in api_token_list(client=client)
    ]
    return render(
        request,
        "apiclients/detail.html",
        _context(
            owner, society, client=client, tokens=tokens, issue_url=_url("issue", owner, society, client.pk)
        ),
    )


@login_required
@never_cache
@require_POST
def token_issue(request: HttpRequest, pk: int, society: str | None = None) -> HttpResponse:
    owner = get_owner_for_user(user=_user(request), society=society)
    client = get_client_for_owner(owner=owner, pk=pk)
    issued = api_token_issue(client=client, by=_user(request))
    return _token_shown(request, owner, society, client, issued, created=False)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int, token: int, society: str | None = None) -> HttpResponse:
    owner = get_owner_for_user(user=_user(request), society=society)
    client = get_client_for_owner(owner=owner, pk=pk)
    found = get_token_for_client(client=client, pk=token)
    api_token_revoke(token=found, by=_user(request))
    messages.success(
        request,
        _("Token %(prefix)s is revoked; calls with it are refused from now on.") % {"prefix": found.prefix},
    )
    return redirect(_url("detail", owner, society, client.pk))
