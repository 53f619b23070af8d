"""Creating API clients, issuing and revoking their tokens, and recognising a token on a request.

A token is `engcert_<prefix>_<secret>`: the prefix finds the row, the SHA-256 of the whole token
is compared in constant time. A token is random (256 bits), so a fast hash is enough: nothing
like a password needs slowing down."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.apiclients.enums import ALLIANCE_SCOPES, LAST_USED_RESOLUTION_SECONDS, SOCIETY_SCOPES, ApiScope
from engcert.apiclients.models import ApiClient, ApiToken
from engcert.audit.domain import audit_event_append
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation
from engcert.registration.domain import registration_confirm, registration_return
from engcert.registration.enums import ItemOutcome
from engcert.registration.models import PackageItem, Registration

TOKEN_START = "engcert_"  # noqa: S105 (the public start of every token, not a secret)


class ApiClientError(Exception):
    """A step the rules do not allow; the message is for people."""


@dataclass(frozen=True)
class IssuedToken:
    """A new token with its secret, to be shown once and never again."""

    token: ApiToken
    raw: str


def scopes_for(organisation: Organisation) -> tuple[ApiScope, ...]:
    """The scopes a client of this organisation may be given."""
    return ALLIANCE_SCOPES if organisation.kind == OrganisationKind.ALLIANCE else SOCIETY_SCOPES


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _require_manager(user: User, organisation: Organisation) -> None:
    if not user.has_perm("apiclients.manage_clients", organisation):
        raise ApiClientError(_("Only the organisation's staff may manage its API clients."))


def api_client_create(
    *,
    organisation: Organisation,
    name: str,
    scopes: Iterable[str],
    expires_on: date | None,
    by: User,
) -> tuple[ApiClient, IssuedToken]:
    """A new client of the society or the alliance, with its first token."""
    _require_manager(by, organisation)
    allowed = {scope.value for scope in scopes_for(organisation)}
    chosen = sorted(set(scopes))
    if not chosen:
        raise ApiClientError(_("Choose at least one scope."))
    refused = [scope for scope in chosen if scope not in allowed]
    if refused:
        raise ApiClientError(
            _("These scopes are not available to this organisation: %(scopes)s.")
            % {"scopes": ", ".join(refused)}
        )
    name = name.strip()
    if not name:
        raise ApiClientError(_("Give the client a name."))
    if expires_on is not None and expires_on < timezone.localdate():
        raise ApiClientError(_("The expiry date must not be in the past."))
    with transaction.atomic():
        if ApiClient.objects.filter(organisation=organisation, name=name).exists():
            raise ApiClientError(_("A client with this name exists already."))
        client = ApiClient.objects.create(
            organisation=organisation, name=name, scopes=chosen, expires_on=expires_on, created_by=by
        )
        audit_event_append(
            actor=by,
            action="apiclients.client_created",
            subject=client,
            data={
                "organisation": organisation.code,
                "client": str(client.uid),
                "name": client.name,
                "scopes": chosen,
                "expires_on": expires_on.isoformat() if expires_on else None,
            },
        )
        issued = api_token_issue(client=client, by=by)
    return client, issued


def api_token_issue(*, client: ApiClient, by: User) -> IssuedToken:
    """A new token for the client; its secret is returned once and only its hash is kept."""
    _require_manager(by, client.organisation)
    with transaction.atomic():
        while True:
            prefix = secrets.token_hex(4)
            if not ApiToken.objects.filter(prefix=prefix).exists():
                break
        raw = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken.objects.create(
            client=client,
            prefix=prefix,
            secret_hash=token_hash(raw),
            created_at=timezone.now(),
            created_by=by,
        )
        audit_event_append(
            actor=by,
            action="apiclients.token_issued",
            subject=token,
            data={"client": str(client.uid), "name": client.name, "token": prefix},
        )
    return IssuedToken(token=token, raw=raw)


def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke a token at once; revoking again changes nothing."""
    _require_manager(by, token.client.organisation)
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().select_related("client").get(pk=token.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at, locked.revoked_by = timezone.now(), by
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit_event_append(
            actor=by,
            action="apiclients.token_revoked",
            subject=locked,
            data={"client": str(locked.client.uid), "name": locked.client.name, "token": locked.prefix},
        )
    return locked


def api_token_authenticate(*, raw: str, at: datetime | None = None) -> ApiToken | None:
    """The live token this string is, or None (unknown, revoked, or its client expired).
    Records the use, at most once a minute per token."""
    if not raw.startswith(TOKEN_START) or len(raw) > 200:
        return None
    prefix, _sep, secret = raw[len(TOKEN_START) :].partition("_")
    if not prefix or not secret or not prefix.isalnum():
        return None
    token = (
        ApiToken.objects.select_related("client__organisation", "client__created_by")
        .filter(prefix=prefix)
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, token_hash(raw)):
        return None
    at = at or timezone.now()
    if token.revoked_at is not None or token.client.is_expired(timezone.localdate(at)):
        return None
    _touch(token, at)
    return token


def _touch(token: ApiToken, at: datetime) -> None:
    stale = at - timedelta(seconds=LAST_USED_RESOLUTION_SECONDS)
    if token.last_used_at is None or token.last_used_at <= stale:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
        token.last_used_at = at


# --- The alliance's clients decide on registrations ------------------------------------------


def api_client_actor(*, client: ApiClient) -> User:
    """The person a client acts for: the alliance reviewer who created it. A client whose creator
    no longer reviews for the alliance cannot decide anything (the registration domain refuses)."""
    return client.created_by


def _client_data(token: ApiToken) -> dict[str, str]:
    return {"client": str(token.client.uid), "client_name": token.client.name, "token": token.prefix}


def registration_confirm_by_client(*, item: PackageItem, token: ApiToken) -> Registration:
    """Confirm a candidate through the API, as the UI does, and record which client asked.
    Confirming again returns the same registration and records nothing more."""
    actor = api_client_actor(client=token.client)
    already = item.outcome == ItemOutcome.CONFIRMED
    with transaction.atomic():
        registration = registration_confirm(item=item, by=actor)
        if not already:
            audit_event_append(
                actor=actor,
                action="apiclients.registration_confirmed",
                subject=item,
                application=registration.application,
                data={**_client_data(token), "item": item.pk, "member_number": registration.member_number},
            )
    return registration


def registration_return_by_client(*, item: PackageItem, reason: str, token: ApiToken) -> PackageItem:
    """Return a candidate to the society through the API, as the UI does, and record which client asked."""
    actor = api_client_actor(client=token.client)
    already = item.outcome == ItemOutcome.RETURNED
    with transaction.atomic():
        returned = registration_return(item=item, reason=reason, by=actor)
        if not already:
            audit_event_append(
                actor=actor,
                action="apiclients.registration_returned",
                subject=returned,
                application=returned.application,
                reason=returned.reason,
                data={**_client_data(token), "item": returned.pk},
            )
    return returned
