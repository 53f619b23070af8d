"""Fetching applications and files for the person asking: 404 for outsiders, 403 for those who may look but not act."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404

from engcert.accounts.models import User
from engcert.applications.models import Application, Attachment
from engcert.applications.selectors import application_get_full


def get_application_for_user(*, user: User, uid: UUID, full: bool = False) -> Application:
    pk = Application.objects.filter(uid=uid).values_list("pk", flat=True).first()
    if pk is None:
        raise Http404
    application = (
        application_get_full(pk=pk)
        if full
        else Application.objects.select_related("batch", "batch__society").get(pk=pk)
    )
    if not user.has_perm("applications.view_application", application):
        raise Http404
    return application


def get_application_for_edit(*, user: User, uid: UUID, full: bool = False) -> Application:
    application = get_application_for_user(user=user, uid=uid, full=full)
    if not user.has_perm("applications.edit_application", application):
        raise PermissionDenied
    return application


def get_attachment_for_user(*, user: User, uid: UUID, file_uid: UUID) -> Attachment:
    application = get_application_for_user(user=user, uid=uid)
    attachment = Attachment.objects.filter(application=application, uid=file_uid).first()
    if attachment is None:
        raise Http404
    return attachment
