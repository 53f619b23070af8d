from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from engcert.privacy.models import DeletionRequest, IdentityNumberView


@admin.register(IdentityNumberView)
class IdentityNumberViewAdmin(admin.ModelAdmin[IdentityNumberView]):
    """Read-only: the log is evidence and must not be edited from the admin."""

    list_display = ("viewed_at", "viewer", "subject_type", "subject_id", "purpose")
    list_filter = ("subject_type",)
    search_fields = ("subject_id", "viewer__email", "purpose")
    date_hierarchy = "viewed_at"
    list_select_related = ("viewer",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: IdentityNumberView | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: IdentityNumberView | None = None) -> bool:
        return False


@admin.register(DeletionRequest)
class DeletionRequestAdmin(admin.ModelAdmin[DeletionRequest]):
    """Read-only: requests are answered on the society's pages, where each step is audited."""

    list_display = ("requested_at", "person", "society", "state", "due_on", "decided_at")
    list_filter = ("state", "society")
    search_fields = ("person__email",)
    list_select_related = ("person", "society")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DeletionRequest | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: DeletionRequest | None = None) -> bool:
        return False
