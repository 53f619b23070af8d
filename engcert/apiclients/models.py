"""The API's clients (a society's or the alliance's systems) and their bearer tokens."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engcert.apiclients.enums import ApiScope
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation


class ApiClient(models.Model):
    """A system that calls the API on behalf of a society or of the alliance."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("belongs to"),
        on_delete=models.PROTECT,
        related_name="api_clients",
        limit_choices_to={"kind__in": [OrganisationKind.SOCIETY, OrganisationKind.ALLIANCE]},
    )
    name = models.CharField(_("name"), max_length=100)
    scopes = models.JSONField(_("scopes"), default=list)
    # The last day its tokens work (Beijing time); empty for no end.
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="api_client_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_alliance(self) -> bool:
        return self.organisation.kind == OrganisationKind.ALLIANCE

    def has_scope(self, scope: ApiScope) -> bool:
        return scope.value in self.scopes

    def is_expired(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.expires_on is not None and today > self.expires_on

    @property
    def scope_pairs(self) -> list[tuple[str, str]]:
        return [(scope, str(ApiScope(scope).label)) for scope in self.scopes if scope in ApiScope.values]


class ApiToken(models.Model):
    """A bearer token of a client. Only the SHA-256 of the token is kept: the token is shown once."""

    client = models.ForeignKey(
        ApiClient, verbose_name=_("client"), on_delete=models.CASCADE, related_name="tokens"
    )
    # The public part of the token, to find it and to name it on pages and in the audit trail.
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.client} · {self.prefix}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
