"""The society's appeal pages: the list, one appeal (its panel, the views, the outcome) and the policy."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.appeals.access import get_appeal_for_staff
from engcert.appeals.domain import (
    AppealError,
    appeal_decide,
    appeal_panel_assign,
    appeal_panel_pool,
    appeal_policy_update,
    appeal_tally,
    send_back_stages,
)
from engcert.appeals.enums import AppealStatus, DecisionStage, View
from engcert.appeals.forms import OutcomeForm, PanelForm, PolicyForm
from engcert.appeals.selectors import AppealFilters, appeal_list, appeal_policy_for
from engcert.batches.access import get_society_for_staff


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def staff_list(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    status = request.GET.get("status", "")
    status = status if status in AppealStatus.values else ""
    stage = request.GET.get("stage", "")
    stage = stage if stage in DecisionStage.values else ""
    query = request.GET.get("q", "").strip()[:100]
    appeals = list(
        appeal_list(society=org, filters=AppealFilters(status=status, stage=stage, query=query))[:500]
    )
    return render(
        request,
        "appeals/staff_list.html",
        {
            "society": org,
            "appeals": appeals,
            "status": status,
            "stage": stage,
            "query": query,
            "statuses": AppealStatus.choices,
            "stages": DecisionStage.choices,
        },
    )


@login_required
def staff_detail(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    user = _user(request)
    org = get_society_for_staff(user=user, code=society)
    appeal = get_appeal_for_staff(society=org, pk=pk)
    policy = appeal_policy_for(society=org)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    panel_form = None
    outcome_form = None
    if appeal.status == AppealStatus.AWAITING_PANEL:
        pool = appeal_panel_pool(appeal=appeal)
        panel_form = PanelForm(request.POST if action == "panel" else None, pool=pool, size=policy.panel_size)
        if action == "panel" and panel_form.is_valid():
            chosen = {str(entry.user.pk): entry.user for entry in pool}
            try:
                appeal_panel_assign(
                    appeal=appeal,
                    members=[chosen[key] for key in panel_form.cleaned_data["members"]],
                    by=user,
                )
            except AppealError as error:
                panel_form.add_error("members", str(error))
            else:
                messages.success(
                    request, _("The panel has been assigned; its members have been asked by email.")
                )
                return redirect("appeals:staff_detail", org.code, appeal.pk)
    elif appeal.status == AppealStatus.UNDER_REVIEW:
        outcome_form = OutcomeForm(
            request.POST if action == "outcome" else None, stages=send_back_stages(appeal)
        )
        if action == "outcome" and outcome_form.is_valid():
            try:
                appeal_decide(
                    appeal=appeal,
                    by=user,
                    outcome=View(outcome_form.cleaned_data["view"]),
                    send_back_to=outcome_form.cleaned_data["send_back_to"],
                    reason=outcome_form.cleaned_data["comment"],
                )
            except AppealError as error:
                outcome_form.add_error(
                    error.field if error.field in outcome_form.fields else None, str(error)
                )
            else:
                messages.success(request, _("The outcome has been recorded and the candidate told by email."))
                return redirect("appeals:staff_detail", org.code, appeal.pk)
    if action and not (panel_form and action == "panel") and not (outcome_form and action == "outcome"):
        messages.error(request, _("This appeal has moved on; nothing was changed."))
        return redirect("appeals:staff_detail", org.code, appeal.pk)
    members = list(appeal.panel.select_related("user"))
    bound = (panel_form is not None and panel_form.is_bound) or (
        outcome_form is not None and outcome_form.is_bound
    )
    return render(
        request,
        "appeals/staff_detail.html",
        {
            "society": org,
            "appeal": appeal,
            "policy": policy,
            "panel_form": panel_form,
            "pool": panel_form.pool.values() if panel_form else [],
            "chosen": request.POST.getlist("members") if action == "panel" else [],
            "outcome_form": outcome_form,
            "members": members,
            "tally": appeal_tally(members=members),
            "evidence": list(appeal.evidence.all()),
        },
        status=400 if bound else 200,
    )


@login_required
def staff_settings(request: HttpRequest, society: str) -> HttpResponse:
    user = _user(request)
    org = get_society_for_staff(user=user, code=society)
    policy = appeal_policy_for(society=org)
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            appeal_policy_update(
                society=org,
                by=user,
                window_days=form.cleaned_data["window_days"],
                panel_size=form.cleaned_data["panel_size"],
            )
        except AppealError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("The appeal settings have been saved."))
            return redirect("appeals:staff_list", org.code)
    return render(
        request,
        "appeals/staff_settings.html",
        {"society": org, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )
