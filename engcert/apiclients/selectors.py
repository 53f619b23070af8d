"""Reads of API clients that pages need."""

from __future__ import annotations

from django.db.models import Count, F, Max, Q, QuerySet

from engcert.apiclients.models import ApiClient, ApiToken
from engcert.organisations.models import Organisation


def api_client_list(*, owner: Organisation) -> QuerySet[ApiClient]:
    """The organisation's clients with how many live tokens they have and when one was last used."""
    return (
        ApiClient.objects.filter(organisation=owner)
        .select_related("organisation", "created_by")
        .annotate(
            live_tokens=Count("tokens", filter=Q(tokens__revoked_at__isnull=True)),
            last_used_at=Max("tokens__last_used_at"),
        )
        .order_by("name", "pk")
    )


def api_token_list(*, client: ApiClient) -> QuerySet[ApiToken]:
    return client.tokens.select_related("created_by", "revoked_by").order_by(
        F("revoked_at").asc(nulls_first=True), "-created_at", "-pk"
    )
