"""The administrators' view of certificates: read mostly. A certificate's printed content, number
and signature are never edited here (a change would not match the signed PDF and QR code);
statuses change on the staff pages, which record who and why."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from engcert.audit.domain import audit_event_append
from engcert.certificates.models import Certificate, CertificatePolicy, IssuanceRun, RegisterListing
from engcert.certificates.numbering import number_format_problems


@admin.register(CertificatePolicy)
class CertificatePolicyAdmin(admin.ModelAdmin[CertificatePolicy]):
    list_display = ["society", "number_format", "validity_years", "head_name", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        original_clean = form.clean

        def clean(self: Any) -> Any:
            cleaned = original_clean(self) or {}
            problems = number_format_problems(cleaned.get("number_format") or "")
            if problems:
                self.add_error("number_format", problems)
            return cleaned

        form.clean = clean  # type: ignore[method-assign]
        return form

    def save_model(self, request: HttpRequest, obj: CertificatePolicy, form: Any, change: bool) -> None:
        # The admin's change view runs in one transaction: the audit event goes with the change.
        obj.updated_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
        audit_event_append(
            actor=request.user,  # type: ignore[arg-type]
            action="certificates.policy_changed",
            subject=obj,
            data={"society": obj.society.code, "changed": {name: "admin" for name in form.changed_data}},
        )


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin[Certificate]):
    list_display = [
        "number",
        "full_name",
        "society",
        "grade",
        "valid_from",
        "valid_until",
        "status",
        "issued_at",
    ]
    list_filter = ["society", "status", "source", "grade"]
    search_fields = ["number", "full_name", "full_name_en", "registration__member_number"]
    list_select_related = ["society", "grade"]
    date_hierarchy = "valid_from"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Certificate._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IssuanceRun)
class IssuanceRunAdmin(admin.ModelAdmin[IssuanceRun]):
    list_display = ["batch", "society", "status", "done", "failed", "total", "created_at", "heartbeat_at"]
    list_filter = ["society", "status"]
    list_select_related = ["batch", "society"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in IssuanceRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(RegisterListing)
class RegisterListingAdmin(admin.ModelAdmin[RegisterListing]):
    list_display = ["registration", "listed", "show_unit", "show_discipline", "show_name_en", "updated_at"]
    list_filter = ["listed"]
    search_fields = ["registration__member_number", "registration__full_name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The member's consent is theirs to give; administrators read it.
        return [field.name for field in RegisterListing._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
