"""What the staff's and the members' pages share: the candidate's page with its assessment,
recusal, vote and decision forms, and the minutes downloads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.pdf import MissingGlyphError
from engcert.committee.domain import (
    CommitteeError,
    agenda_item_decide,
    item_tally,
    recusal_record,
    vote_cast,
)
from engcert.committee.enums import DECIDED, MeetingStatus, Outcome, VoteChoice
from engcert.committee.exports import minutes_filename, minutes_workbook
from engcert.committee.forms import DecisionForm, RecusalForm, VoteForm
from engcert.committee.models import AgendaItem, Meeting, MeetingMember, Recusal, Vote
from engcert.committee.pdf import minutes_pdf
from engcert.committee.selectors import committee_policy_for, decided_tally
from engcert.scoring.models import PanelAssessment
from engcert.scoring.selectors import lower_grades


def request_user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _assessment(item: AgendaItem) -> PanelAssessment | None:
    return (
        PanelAssessment.objects.filter(application=item.application)
        .select_related("recorded_by", "recommended_grade")
        .prefetch_related(
            "area_scores__level",
            "area_scores__area",
        )
        .first()
    )


def item_page(
    request: HttpRequest,
    *,
    meeting: Meeting,
    item: AgendaItem,
    staff_view: bool,
    context: dict[str, Any],
) -> HttpResponse:
    """The candidate as the committee reads them; the person's own recusal and vote when they
    sit on the meeting; the decision form for the chair and the staff."""
    user = request_user(request)
    application = item.application
    policy = committee_policy_for(society=meeting.society)
    seat: MeetingMember | None = meeting.members.filter(user=user).select_related("user").first()
    recusals = list(Recusal.objects.filter(item=item).select_related("member__user"))
    own_recusal = next((r for r in recusals if seat is not None and r.member_id == seat.pk), None)
    own_vote = Vote.objects.filter(item=item, member=seat).first() if seat is not None else None
    pending = item.outcome == Outcome.PENDING
    in_progress = meeting.status == MeetingStatus.IN_PROGRESS
    may_vote = bool(seat is not None and seat.present and own_recusal is None and pending and in_progress)
    may_recuse = bool(
        seat is not None and own_recusal is None and pending and meeting.status != MeetingStatus.CLOSED
    )
    is_staff = user.has_perm("committee.manage_meetings", meeting.society)
    chair_seated = bool(seat is not None and seat.present and own_recusal is None)
    may_decide = bool(
        pending and in_progress and user.has_perm("committee.decide", meeting) and (is_staff or chair_seated)
    )
    grades = ([application.grade] if application.grade else []) + list(lower_grades(application=application))

    action = request.POST.get("action") if request.method == "POST" else None
    vote_form = VoteForm(
        request.POST if action == "vote" else None, initial={"choice": own_vote.choice if own_vote else None}
    )
    recusal_form = RecusalForm(request.POST if action == "recuse" else None)
    decision_form = DecisionForm(
        request.POST if action == "decide" else None,
        grades=grades,
        initial={"grade": application.grade_id},
    )
    shown = {"vote": may_vote, "recuse": may_recuse, "decide": may_decide}
    forms: dict[str, VoteForm | RecusalForm | DecisionForm] = {
        "vote": vote_form,
        "recuse": recusal_form,
        "decide": decision_form,
    }
    form = forms.get(action or "")
    if action and form is not None and form.is_valid():
        try:
            done = _act(action, item=item, user=user, form=form)
        except CommitteeError as error:
            if shown[action]:
                form.add_committee_error(error)
            else:
                # The form is not on the page for this person now: say why at the top.
                messages.error(request, str(error))
        else:
            messages.success(request, done)
            return redirect(request.path)
    if action and form is not None and form.errors and shown[action]:
        messages.error(request, _("Nothing was saved: please look at the message beside the form."))

    tally = (
        decided_tally(item=item, policy=policy)
        if item.outcome in DECIDED
        else item_tally(item=item, policy=policy)
    )
    votes = list(Vote.objects.filter(item=item).select_related("member__user")) if staff_view else []
    members = list(meeting.members.select_related("user"))
    voted_ids = set(Vote.objects.filter(item=item).values_list("member_id", flat=True))
    recused_ids = {r.member_id for r in recusals}
    member_rows = [
        {
            "member": m,
            "recusal": next((r for r in recusals if r.member_id == m.pk), None),
            "vote": next((v for v in votes if v.member_id == m.pk), None),
            "voted": m.pk in voted_ids and m.pk not in recused_ids,
        }
        for m in members
    ]
    context.update(
        {
            "meeting": meeting,
            "item": item,
            "application": application,
            "assessment": _assessment(item),
            "policy": policy,
            "tally": tally,
            "seat": seat,
            "own_vote": own_vote,
            "own_recusal": own_recusal,
            "recusals": recusals,
            "member_rows": member_rows,
            "may_vote": may_vote,
            "may_recuse": may_recuse,
            "may_decide": may_decide,
            "vote_form": vote_form,
            "recusal_form": recusal_form,
            "decision_form": decision_form,
            "staff_view": staff_view,
            "decided": item.outcome in DECIDED,
        }
    )
    return render(request, "committee/item.html", context)


def _act(action: str, *, item: AgendaItem, user: User, form: Any) -> str:
    """Do what the posted form asks; the message to show when it is done."""
    if action == "vote":
        vote_cast(item=item, choice=VoteChoice(form.cleaned_data["choice"]), by=user)
        return _("Your vote is recorded; you may change it until the committee decides.")
    if action == "recuse":
        recusal_record(item=item, member=user, reason=form.cleaned_data["reason"], by=user)
        return _("Your recusal is recorded; you do not vote on this candidate.")
    agenda_item_decide(
        item=item,
        approve=form.approve,
        grade=form.chosen_grade,
        rationale=form.cleaned_data["rationale"],
        departure_reason=form.cleaned_data["departure_reason"],
        by=user,
    )
    return _("The committee's decision is recorded.")


def minutes_pdf_response(*, meeting: Meeting) -> HttpResponse:
    try:
        pdf = minutes_pdf(meeting=meeting)
    except MissingGlyphError as error:
        return HttpResponse(render_error(str(error)), status=422, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{minutes_filename(meeting, "pdf")}"'
    return response


def render_error(message: str) -> str:
    return _("The minutes could not be made: %(problem)s") % {"problem": message}


def minutes_xlsx_response(*, meeting: Meeting) -> HttpResponse:
    content = minutes_workbook(meeting=meeting)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{minutes_filename(meeting, "xlsx")}"'
    return response
