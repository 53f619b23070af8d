from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from engcert.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ["position", "created_at", "actor", "action", "subject_type", "subject_id"]
    list_filter = ["action", "chain"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
