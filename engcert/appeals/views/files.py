"""An appeal's evidence, for the candidate, the panel and the society's staff."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, HttpRequest

from engcert.accounts.models import User
from engcert.appeals.access import get_evidence_for_user
from engcert.audit.domain import audit_event_append


@login_required
def evidence(request: HttpRequest, uid: UUID, pk: int) -> FileResponse:
    user: User = request.user  # type: ignore[assignment]
    item = get_evidence_for_user(user=user, uid=uid, pk=pk)
    if user.pk != item.appeal.application.applicant_id:
        with transaction.atomic():
            audit_event_append(
                actor=user,
                action="appeal.evidence_read",
                subject=item.appeal,
                application=item.appeal.application,
                data={"evidence": item.pk},
            )
    return FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.original_name, content_type=item.content_type
    )
