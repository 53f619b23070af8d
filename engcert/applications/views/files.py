"""Uploading and serving attachments: never from a public URL, only to those allowed."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engcert.applications.access import get_application_for_edit, get_attachment_for_user
from engcert.applications.domain.application import ApplicationError, attachment_delete, attachment_upload
from engcert.applications.forms import AttachmentForm


@login_required
@require_POST
def attachment_upload_view(request: HttpRequest, uid: UUID) -> HttpResponse:
    application = get_application_for_edit(user=request.user, uid=uid)  # type: ignore[arg-type]
    form = AttachmentForm(request.POST, request.FILES)
    next_url = request.POST.get("next") or ""
    if not next_url.startswith("/applications/"):
        next_url = ""
    if form.is_valid():
        try:
            attachment_upload(
                application=application,
                by=request.user,  # type: ignore[arg-type]
                uploaded=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
            )
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The file was uploaded."))
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
    return redirect(next_url or f"/applications/{application.uid}/edit/attachments/")


@login_required
def attachment_download(request: HttpRequest, uid: UUID, file_uid: UUID) -> FileResponse:
    attachment = get_attachment_for_user(user=request.user, uid=uid, file_uid=file_uid)  # type: ignore[arg-type]
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=attachment.content_type == "application/pdf",
        filename=attachment.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@login_required
@require_POST
def attachment_delete_view(request: HttpRequest, uid: UUID, file_uid: UUID) -> HttpResponse:
    attachment = get_attachment_for_user(user=request.user, uid=uid, file_uid=file_uid)  # type: ignore[arg-type]
    get_application_for_edit(user=request.user, uid=uid)  # type: ignore[arg-type]
    try:
        attachment_delete(attachment=attachment, by=request.user)  # type: ignore[arg-type]
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The file was removed."))
    return redirect(f"/applications/{uid}/edit/attachments/")
