"""The society's CPD pages: the compliance list (and its spreadsheet), the rule, and the
yearly audit: the draw, the drawn members and the outcome for each."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.batches.access import get_society_for_staff
from engcert.cpd.access import get_activity_for_staff, get_draw_for_staff, get_selection_for_staff
from engcert.cpd.domain import (
    CpdError,
    audit_draw_make,
    audit_draw_verify,
    audit_outcome_record,
    cpd_rule_update,
)
from engcert.cpd.enums import AuditOutcome
from engcert.cpd.exports import compliance_workbook
from engcert.cpd.forms import DrawForm, OutcomeForm, RuleForm
from engcert.cpd.selectors import (
    audit_draw_list,
    audit_selections,
    compliance_rows,
    cpd_rule_get,
    member_progress,
)
from engcert.cpd.views.member import evidence_response
from engcert.organisations.models import Organisation


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _compliant_filter(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _rows(request: HttpRequest, society: Organisation) -> tuple[list, str, str]:  # type: ignore[type-arg]
    query = request.GET.get("q", "")[:100]
    compliant = request.GET.get("compliant", "")
    if compliant not in ("yes", "no"):
        compliant = ""
    rows = compliance_rows(society=society, query=query, compliant=_compliant_filter(compliant))
    return rows, query, compliant


@login_required
def compliance(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    rows, query, compliant = _rows(request, org)
    return render(
        request,
        "cpd/staff_compliance.html",
        {
            "society": org,
            "rule": cpd_rule_get(society=org),
            "rows": rows,
            "query": query,
            "compliant": compliant,
            "compliant_count": sum(1 for r in rows if r.year.compliant),
            "export_query": request.GET.urlencode(),
        },
    )


@login_required
def compliance_xlsx(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    rows, _query, _compliant = _rows(request, org)
    content = compliance_workbook(rows=rows)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="cpd-{org.code}-{stamp}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def rule(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    current = cpd_rule_get(society=org)
    form = RuleForm(request.POST if request.method == "POST" else None, rule=current)
    if request.method == "POST" and form.is_valid():
        try:
            cpd_rule_update(
                society=org,
                by=_user(request),
                annual_hours=form.cleaned_data["annual_hours"],
                audit_share_percent=form.cleaned_data["audit_share_percent"],
                type_limits=form.type_limits(),
            )
        except CpdError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The CPD rule is saved."))
            return redirect("cpd:staff_compliance", org.code)
    return render(
        request,
        "cpd/staff_rule.html",
        {"society": org, "form": form, "rule": current},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def audits(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    year = timezone.localdate().year
    form = DrawForm(request.POST if request.method == "POST" else None, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        try:
            draw = audit_draw_make(society=org, year=form.cleaned_data["year"], by=_user(request))
        except CpdError as error:
            form.add_error("year", str(error))
        else:
            messages.success(
                request,
                _("%(count)s members were drawn for the %(year)s audit; each has been told by email.")
                % {"count": draw.selections.count(), "year": draw.year},
            )
            return redirect("cpd:staff_audit", org.code, draw.pk)
    draws = list(audit_draw_list(society=org))
    return render(
        request,
        "cpd/staff_audits.html",
        {
            "society": org,
            "rule": cpd_rule_get(society=org),
            "form": form,
            "draws": draws,
            "drawn_this_year": any(d.year == year for d in draws),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def audit(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    draw = get_draw_for_staff(society=org, pk=pk)
    selections = list(audit_selections(draw=draw))
    return render(
        request,
        "cpd/staff_audit.html",
        {
            "society": org,
            "draw": draw,
            "selections": selections,
            "check": audit_draw_verify(draw=draw),
            "open": sum(
                1 for s in selections if s.outcome in (AuditOutcome.PENDING, AuditOutcome.MORE_EVIDENCE)
            ),
        },
    )


@login_required
def audit_member(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    selection = get_selection_for_staff(society=org, pk=pk)
    initial = (
        {"outcome": selection.outcome, "note": selection.note}
        if selection.outcome != AuditOutcome.PENDING
        else {}
    )
    form = OutcomeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            audit_outcome_record(
                selection=selection,
                by=_user(request),
                outcome=AuditOutcome(form.cleaned_data["outcome"]),
                note=form.cleaned_data["note"],
            )
        except CpdError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The outcome is recorded and the member has been told."))
            return redirect(reverse("cpd:staff_audit", args=[org.code, selection.draw_id]))
    return render(
        request,
        "cpd/staff_audit_member.html",
        {
            "society": org,
            "selection": selection,
            "draw": selection.draw,
            "progress": member_progress(registration=selection.registration),
            "form": form,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def evidence(request: HttpRequest, society: str, uid: UUID) -> FileResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    return evidence_response(get_activity_for_staff(society=org, uid=uid))
