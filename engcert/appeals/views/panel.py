"""A panel member's pages: the appeals they sit on, and one appeal with their view."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.appeals.access import get_appeal_for_panel_member
from engcert.appeals.domain import AppealError, appeal_view_record, send_back_stages
from engcert.appeals.enums import AppealStatus, View
from engcert.appeals.forms import ViewForm
from engcert.appeals.selectors import panel_member_appeals


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def panel_list(request: HttpRequest) -> HttpResponse:
    seats = list(panel_member_appeals(user=_user(request)))
    return render(request, "appeals/panel_list.html", {"seats": seats})


@login_required
def panel_review(request: HttpRequest, uid: UUID) -> HttpResponse:
    user = _user(request)
    appeal, member = get_appeal_for_panel_member(user=user, uid=uid)
    open_for_views = appeal.status == AppealStatus.UNDER_REVIEW
    if request.method == "POST" and not open_for_views:
        messages.error(
            request, _("The outcome of this appeal has been recorded; views can no longer change.")
        )
        return redirect("appeals:panel_review", appeal.uid)
    initial = {"view": member.view, "send_back_to": member.send_back_to, "comment": member.comment}
    form = ViewForm(
        request.POST if request.method == "POST" else None, initial=initial, stages=send_back_stages(appeal)
    )
    if request.method == "POST" and form.is_valid():
        try:
            appeal_view_record(
                appeal=appeal,
                by=user,
                view=View(form.cleaned_data["view"]),
                send_back_to=form.cleaned_data["send_back_to"],
                comment=form.cleaned_data["comment"],
            )
        except AppealError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(
                request, _("Your view has been recorded. You may change it until the outcome is recorded.")
            )
            return redirect("appeals:panel_review", appeal.uid)
    return render(
        request,
        "appeals/panel_review.html",
        {
            "appeal": appeal,
            "member": member,
            "form": form if open_for_views else None,
            "evidence": list(appeal.evidence.all()),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
