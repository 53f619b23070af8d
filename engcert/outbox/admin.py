"""Administrators see the outgoing emails, what the mail server answered, and send again those
that wait or failed. The message text is not shown: it may carry sign-in or referee links."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from engcert.accounts.models import User
from engcert.outbox.domain import OutboxError, outbox_message_retry
from engcert.outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    list_display = [
        "created_at",
        "status",
        "subject",
        "recipient_list",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["status"]
    search_fields = ["subject", "recipients", "reference"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    readonly_fields = fields = (
        "status",
        "subject",
        "from_email",
        "recipients",
        "reference",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
    )

    @admin.display(description=_("recipients"))
    def recipient_list(self, obj: OutboxMessage) -> str:
        return ", ".join(obj.recipients)

    @admin.action(description=_("Send the selected emails again now"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        user = request.user
        assert isinstance(user, User)
        again = 0
        for message in queryset:
            try:
                outbox_message_retry(message=message, by=user)
            except OutboxError:
                continue
            again += 1
        self.message_user(
            request,
            ngettext("%(count)d email will be sent again.", "%(count)d emails will be sent again.", again)
            % {"count": again},
            messages.SUCCESS,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
