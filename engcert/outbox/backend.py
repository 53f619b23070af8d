"""EMAIL_BACKEND of engcert: writes each message to the outbox instead of talking to a mail
server; ENGCERT_EMAIL_DELIVERY_BACKEND is the backend that really sends (SMTP in production)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from engcert.outbox.domain import outbox_messages_store


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        return len(outbox_messages_store(messages=list(email_messages)))
