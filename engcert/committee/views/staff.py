"""Staff run the committee's meetings: policy, meetings, attendance, agenda, decisions, minutes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from engcert.batches.models import Batch
from engcert.committee.access import get_item, get_meeting_for_staff, get_society_for_committee_staff
from engcert.committee.domain import (
    CommitteeError,
    agenda_item_add,
    agenda_item_remove,
    committee_policy_saved,
    meeting_attendance_record,
    meeting_close,
    meeting_create,
    meeting_update,
)
from engcert.committee.forms import AgendaAddForm, AttendanceForm, MeetingForm, PolicyForm
from engcert.committee.selectors import (
    agenda_rows,
    candidates_for_agenda,
    committee_members_available,
    committee_policy_for,
    meeting_list,
    meeting_members,
    policy_summary,
)
from engcert.committee.views.common import (
    item_page,
    minutes_pdf_response,
    minutes_xlsx_response,
    request_user,
)
from engcert.organisations.models import Organisation


@login_required
def meetings(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_committee_staff(user=request_user(request), code=society)
    return render(
        request,
        "committee/staff_meetings.html",
        {
            "society": org,
            "meetings": list(meeting_list(society=org)),
            "policy_text": policy_summary(committee_policy_for(society=org)),
        },
    )


@login_required
def policy(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_committee_staff(user=request_user(request), code=society)
    # The defaults stand in, unsaved, until staff save the form: then the society's row is made.
    instance = committee_policy_for(society=org)
    form = PolicyForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            committee_policy_saved(
                policy=instance, by=request_user(request), changed=sorted(form.changed_data)
            )
        messages.success(request, _("The committee policy was saved."))
        return redirect("committee:policy", society=org.code)
    return render(request, "committee/staff_policy.html", {"society": org, "form": form})


def _meeting_form(
    request: HttpRequest, org: Organisation, initial: dict[str, Any] | None = None
) -> MeetingForm:
    return MeetingForm(
        request.POST or None,
        batches=Batch.objects.filter(society=org).order_by("-pk"),
        people=committee_members_available(society=org),
        initial=initial,
    )


@login_required
def meeting_new(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_committee_staff(user=request_user(request), code=society)
    form = _meeting_form(request, org)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_create(values=form.values(), by=request_user(request))
        except CommitteeError as error:
            form.add_committee_error(error)
        else:
            messages.success(request, _("The meeting was created. Add the candidates to its agenda."))
            return redirect("committee:meeting", society=org.code, pk=meeting.pk)
    return render(
        request, "committee/staff_meeting_form.html", {"society": org, "form": form, "meeting": None}
    )


@login_required
def meeting_edit(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org = get_society_for_committee_staff(user=request_user(request), code=society)
    meeting = get_meeting_for_staff(society=org, pk=pk)
    form = _meeting_form(request, org, initial=MeetingForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            meeting_update(meeting=meeting, values=form.values(), by=request_user(request))
        except CommitteeError as error:
            form.add_committee_error(error)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect("committee:meeting", society=org.code, pk=meeting.pk)
    return render(
        request, "committee/staff_meeting_form.html", {"society": org, "form": form, "meeting": meeting}
    )


@login_required
def meeting(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org = get_society_for_committee_staff(user=request_user(request), code=society)
    meeting = get_meeting_for_staff(society=org, pk=pk)
    policy = committee_policy_for(society=org)
    members = meeting_members(meeting=meeting)
    rows = agenda_rows(meeting=meeting, policy=policy, members=members)
    return render(
        request,
        "committee/staff_meeting.html",
        {
            "society": org,
            "meeting": meeting,
            "policy": policy,
            "policy_text": policy_summary(policy),
            "members": members,
            "present_count": sum(1 for m in members if m.present),
            "attendance_taken": any(m.attendance_recorded_at for m in members),
            "rows": rows,
            "waiting": candidates_for_agenda(meeting=meeting).count(),
        },
    )


@login_required
@require_POST
def attendance(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org = get_society_for_committee_staff(user=request_user(request), code=society)
    meeting = get_meeting_for_staff(society=org, pk=pk)
    people = committee_members_available(society=org).filter(pk__in=meeting.members.values("user_id"))
    form = AttendanceForm(request.POST, people=people)
    if form.is_valid():
        try:
            meeting_attendance_record(
                meeting=meeting, present=list(form.cleaned_data["present"]), by=request_user(request)
            )
        except CommitteeError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Attendance is recorded."))
    else:
        messages.error(request, _("Attendance was not saved: tick the members who are present."))
    return redirect("committee:meeting", society=org.code, pk=meeting.pk)


@login_required
def agenda_add(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org = get_society_for_committee_staff(user=request_user(request), code=society)
    meeting = get_meeting_for_staff(society=org, pk=pk)
    candidates = candidates_for_agenda(meeting=meeting)
    form = AgendaAddForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        added, problems = 0, []
        for application in form.cleaned_data["candidates"]:
            try:
                agenda_item_add(meeting=meeting, application=application, by=request_user(request))
            except CommitteeError as error:
                problems.append(f"{application.full_name or application.number}: {error}")
            else:
                added += 1
        if added:
            messages.success(
                request,
                ngettext(
                    "%(count)d candidate was added to the agenda.",
                    "%(count)d candidates were added to the agenda.",
                    added,
                )
                % {"count": added},
            )
        for problem in problems:
            messages.error(request, problem)
        return redirect("committee:meeting", society=org.code, pk=meeting.pk)
    return render(
        request,
        "committee/staff_agenda_add.html",
        {"society": org, "meeting": meeting, "form": form, "candidates": list(candidates)},
    )


@login_required
@require_POST
def item_remove(request: HttpRequest, society: str, pk: int, item: int) -> HttpResponse:
    org = get_society_for_committee_staff(user=request_user(request), code=society)
    meeting = get_meeting_for_staff(society=org, pk=pk)
    agenda_item = get_item(meeting=meeting, pk=item)
    try:
        agenda_item_remove(item=agenda_item, by=request_user(request))
    except CommitteeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The candidate was taken off the agenda; they stay under deliberation."))
    return redirect("committee:meeting", society=org.code, pk=meeting.pk)


@login_required
@require_POST
def close(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org = get_society_for_committee_staff(user=request_user(request), code=society)
    meeting = get_meeting_for_staff(society=org, pk=pk)
    try:
        meeting_close(meeting=meeting, by=request_user(request))
    except CommitteeError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The meeting is closed. Candidates not decided may go on a later agenda.")
        )
    return redirect("committee:meeting", society=org.code, pk=meeting.pk)


@login_required
def item(request: HttpRequest, society: str, pk: int, item: int) -> HttpResponse:
    org = get_society_for_committee_staff(user=request_user(request), code=society)
    meeting = get_meeting_for_staff(society=org, pk=pk)
    return item_page(
        request,
        meeting=meeting,
        item=get_item(meeting=meeting, pk=item),
        staff_view=True,
        context={"society": org},
    )


@login_required
def minutes_pdf(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org = get_society_for_committee_staff(user=request_user(request), code=society)
    return minutes_pdf_response(meeting=get_meeting_for_staff(society=org, pk=pk))


@login_required
def minutes_xlsx(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org = get_society_for_committee_staff(user=request_user(request), code=society)
    return minutes_xlsx_response(meeting=get_meeting_for_staff(society=org, pk=pk))
