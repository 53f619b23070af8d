"""The demo's API clients: one for the society's membership system (reads batches and
evaluation records) and one for the alliance's verification system (also confirms and returns
registrations). Made by the functions the pages call; the tokens are printed once, as the page
shows them once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TextIO

from django.utils import timezone

from engcert.accounts.models import User
from engcert.apiclients.domain import api_client_create
from engcert.apiclients.enums import ALLIANCE_SCOPES, SOCIETY_SCOPES
from engcert.organisations.models import Organisation


@dataclass(frozen=True)
class DemoTokens:
    society: str
    alliance: str


def apiclients_demo_load(
    *,
    society: Organisation,
    staff: User,
    alliance: Organisation,
    reviewer: User,
    stdout: TextIO | None = None,
) -> DemoTokens:
    """Create the two clients with their first tokens and return (and print) the tokens."""
    _client, society_token = api_client_create(
        organisation=society,
        name="学会会员管理系统",
        scopes=[scope.value for scope in SOCIETY_SCOPES],
        expires_on=None,
        by=staff,
    )
    _client, alliance_token = api_client_create(
        organisation=alliance,
        name="联合体注册核实系统",
        scopes=[scope.value for scope in ALLIANCE_SCOPES],
        expires_on=timezone.localdate() + timedelta(days=365),
        by=reviewer,
    )
    tokens = DemoTokens(society=society_token.raw, alliance=alliance_token.raw)
    if stdout is not None:
        stdout.write("API tokens (shown once; see docs/api.md):\n")
        stdout.write(
            f"  {society.code} membership system (batches:read, evaluations:read): {tokens.society}\n"
        )
        stdout.write(f"  alliance verification system (all scopes): {tokens.alliance}\n")
    return tokens
