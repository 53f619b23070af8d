from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from engcert.audit.domain import audit_event_append
from engcert.registration.models import (
    AlliancePackage,
    NumberCounter,
    PackageItem,
    Registration,
    RegistrationPolicy,
)


@admin.register(RegistrationPolicy)
class RegistrationPolicyAdmin(admin.ModelAdmin[RegistrationPolicy]):
    list_display = ["number_format", "prefix", "sequence_scope", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not RegistrationPolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RegistrationPolicy, form: Any, change: bool) -> None:
        # The admin's change view runs in one transaction: the audit event goes with the change.
        obj.updated_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
        audit_event_append(
            actor=request.user,  # type: ignore[arg-type]
            action="registration.policy_changed",
            subject=obj,
            data={
                "after": {
                    "prefix": obj.prefix,
                    "number_format": obj.number_format,
                    "sequence_scope": obj.sequence_scope,
                },
                "changed": sorted(form.changed_data),
                "through": "admin",
            },
        )


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """What was sent and registered is changed only through the alliance's decisions."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AlliancePackage)
class AlliancePackageAdmin(ReadOnlyAdmin):
    list_display = ["society", "batch", "version", "sent_at", "sent_by", "completed_at"]
    list_filter = ["society"]


@admin.register(PackageItem)
class PackageItemAdmin(ReadOnlyAdmin):
    list_display = ["package", "application", "outcome", "decided_at", "decided_by"]
    list_filter = ["outcome"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["member_number", "application", "society", "grade", "registered_at"]
    search_fields = ["member_number", "application__number"]


@admin.register(NumberCounter)
class NumberCounterAdmin(ReadOnlyAdmin):
    list_display = ["scope", "year", "last_value"]
