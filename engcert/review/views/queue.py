"""The staff work queue of a batch: counts per stage, filters, search, sort, pages, bulk actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engcert.accounts.models import User
from engcert.applications.domain.transition import TransitionError, application_transition
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.applications.rules import is_society_staff
from engcert.audit.domain import audit_event_append
from engcert.batches.access import get_society_for_staff
from engcert.batches.models import Batch
from engcert.jobs import job_progress
from engcert.organisations.models import Organisation, in_reader_language
from engcert.review.domain import ReviewError, initial_review_pass
from engcert.review.enums import EXPORT_BUSY, QueueExportStatus
from engcert.review.exports_queue import queue_workbook
from engcert.review.exports_queue_jobs import (
    QueueExportError,
    queue_export_resume,
    queue_export_start,
)
from engcert.review.forms_queue import SORT_LABELS, BulkAction, QueueFilterForm, queue_filter_form
from engcert.review.models import QueueExport
from engcert.review.selectors_queue import (
    STAGE_STATES,
    QueueFilters,
    QueueStage,
    StageCount,
    queue_counts_and_page,
    queue_filter,
    queue_order,
    queue_received,
    queue_rows,
)

S = ApplicationState
PASSABLE = STAGE_STATES[QueueStage.REVIEW]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@dataclass(frozen=True)
class _Context:
    society: Organisation
    batch: Batch
    form: QueueFilterForm
    filters: QueueFilters


def _load(request: HttpRequest, society: str, pk: int, query: QueryDict) -> _Context:
    """The society (404 unless staff there), the batch, and the filters read from `query`."""
    org = get_society_for_staff(user=_user(request), code=society)
    batch = get_object_or_404(Batch, pk=pk, society=org)
    form = queue_filter_form(society=org, batch=batch, query=query)
    return _Context(org, batch, form, form.filters())


@dataclass(frozen=True)
class QueueRow:
    """One row as the page prints it, every text worked out once here rather than looked up
    through the models for each cell of fifty rows."""

    uid: UUID
    pick: str  # the checkbox value: which file, in which state the page showed it
    link: str
    number: str
    full_name: str
    full_name_en: str
    unit: str
    grade: str
    field: str
    state: str
    state_label: str
    flags: list[tuple[str, str, str]]  # (text, css class, title)
    submitted_day: str
    submitted_time: str
    changed_day: str
    changed_time: str


def _day_and_time(moment: datetime | None) -> tuple[str, str]:
    if moment is None:
        return "", ""
    local = timezone.localtime(moment)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M")


def _rows(rows: list[dict[str, Any]], link: Callable[[UUID], str]) -> list[QueueRow]:
    states = {value: str(label) for value, label in ApplicationState.choices}
    concern, path, requested, again, returned = (
        _("eligibility"),
        _("simplified path"),
        _("simplified requested"),
        _("resubmitted"),
        _("returned by the alliance"),
    )
    shown = []
    for row in rows:
        flags = []
        if row["eligibility_unmet"]:
            flags.append((concern, "flag", "; ".join(str(x) for x in row["eligibility_unmet"])))
        if row["simplified_requested"]:
            flags.append(
                (path if row["assessment_path"] == "simplified" else requested, "flag flag-info", "")
            )
        if row["was_resubmitted"]:
            flags.append((again, "flag flag-info", ""))
        if row.get("returned_by_alliance"):
            flags.append((returned, "flag", ""))
        field = in_reader_language(row["discipline__name"] or "", row["discipline__name_en"] or "")
        if row["discipline__parent__name"]:
            parent = in_reader_language(
                row["discipline__parent__name"], row["discipline__parent__name_en"] or ""
            )
            field = f"{parent} / {field}"
        submitted, changed = _day_and_time(row["submitted_at"]), _day_and_time(row["state_changed_at"])
        shown.append(
            QueueRow(
                uid=row["uid"],
                pick=f"{row['uid']}:{row['state']}",
                link=link(row["uid"]),
                number=row["number"] or "",
                full_name=row["full_name"],
                full_name_en=row["full_name_en"],
                unit=in_reader_language(row["unit__name"] or "", row["unit__name_en"] or ""),
                grade=in_reader_language(row["grade__name"] or "", row["grade__name_en"] or ""),
                field=field,
                state=row["state"],
                state_label=states.get(row["state"], row["state"]),
                flags=flags,
                submitted_day=submitted[0],
                submitted_time=submitted[1],
                changed_day=changed[0],
                changed_time=changed[1],
            )
        )
    return shown


def _review_link(society: Organisation) -> Callable[[UUID], str]:
    """Each row leads to the file's staff review page (the address resolved once, not per row)."""
    blank = UUID(int=0)
    address = reverse("review:application", args=[society.code, blank])
    return lambda uid: address.replace(str(blank), str(uid))


def _query_without(query: QueryDict, *names: str, **values: str) -> str:
    """The current filters as a query string, some parameters dropped or replaced."""
    params = [(k, v) for k, vs in query.lists() if k not in names and k not in values for v in vs]
    params += [(k, v) for k, v in values.items() if v]
    return urlencode(params)


def _tabs(counts: list[StageCount], query: QueryDict, current: QueueStage) -> list[dict[str, object]]:
    """A link per stage with its count; the other filters stay, the page starts again."""
    return [
        {
            "stage": c.stage,
            "count": c.count,
            "states": c.states,
            "query": _query_without(query, "page", stage=c.stage.value),
            "current": c.stage == current,
        }
        for c in counts
    ]


def _columns(query: QueryDict, sort: str) -> dict[str, dict[str, object]]:
    """Sortable column headers: a click sorts by the column, a second click reverses it."""
    return {
        key: {
            "label": label,
            "query": _query_without(query, "page", sort=f"-{key}" if sort == key else key),
            "order": "ascending" if sort == key else "descending" if sort == f"-{key}" else "",
        }
        for key, label in SORT_LABELS.items()
    }


@login_required
def queue(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    ctx = _load(request, society, pk, request.GET)
    f = ctx.filters
    filtered = queue_filter(queue_received(batch=ctx.batch), f)
    counts, page = queue_counts_and_page(filtered, filters=f, page=request.GET.get("page"))
    link = _review_link(ctx.society)
    sort, _order = queue_order(f)
    query = request.GET.copy()
    # Filters beyond the search box fold away on a phone; they open when one is in use.
    more_count = sum(
        (f.grade_id is not None, bool(f.discipline_ids), f.unit_id is not None, bool(f.path), len(f.flags))
    )
    return render(
        request,
        "review/queue.html",
        {
            "society": ctx.society,
            "batch": ctx.batch,
            "form": ctx.form,
            "options": ctx.form.options(),
            "filters": f,
            "page": page,
            "rows": _rows(page.rows, link),
            "tabs": _tabs(counts, query, f.stage),
            "columns": _columns(query, sort),
            "page_query": _query_without(query, "page"),
            "filter_query": query.urlencode(),
            "can_pass": any(row["state"] in PASSABLE for row in page.rows),
            "can_send": any(row["state"] == S.INTERVIEWED for row in page.rows),
            "more_open": bool(more_count),
            "more_count": more_count,
            "filtering": bool(more_count or f.search),
        },
    )


@dataclass(frozen=True)
class RowOutcome:
    number: str
    name: str
    done: bool
    message: str
    link: str = ""


@login_required
@require_POST
def queue_bulk(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    form = BulkAction(request.POST)
    valid = form.is_valid()
    # The filters the page had, to go back to them (and for "export all filtered").
    query = QueryDict(request.POST.get("filters", "")[:2000])
    ctx = _load(request, society, pk, query)
    back = reverse("queue:queue", args=[ctx.society.code, ctx.batch.pk])
    back += f"?{query.urlencode()}" if query else ""
    if not valid:
        for error in form.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
        return redirect(back)

    action = form.cleaned_data["action"]
    received = queue_received(batch=ctx.batch)
    if action == BulkAction.EXPORT_ALL:
        # A whole batch takes a while: made in the background, its page shows the progress.
        try:
            job = queue_export_start(batch=ctx.batch, filters=query.urlencode(), by=_user(request))
        except QueueExportError as error:
            messages.error(request, str(error))
            return redirect(back)
        return redirect("queue:export", society=ctx.society.code, pk=ctx.batch.pk, job=job.pk)

    picks = form.picks()
    uids = [uid for _raw, uid, _state in picks if uid is not None]
    found = {a.uid: a for a in received.filter(uid__in=uids).select_related("batch")}
    if action == BulkAction.EXPORT:
        chosen = queue_rows(received.filter(uid__in=list(found)), filters=ctx.filters)
        return _export(request, ctx, chosen, scope="selected")

    link = _review_link(ctx.society)
    outcomes: list[RowOutcome] = []
    for raw, uid, seen in picks:
        application = found.get(uid) if uid is not None else None
        if application is None or seen is None:
            outcomes.append(RowOutcome(raw[:40], "", False, _("Not an application of this batch.")))
            continue
        outcomes.append(_decide(_user(request), action, application, seen, link(application.uid)))
    done = sum(1 for o in outcomes if o.done)
    return render(
        request,
        "review/queue_bulk_result.html",
        {
            "society": ctx.society,
            "batch": ctx.batch,
            "action": action,
            "action_label": dict(form.fields["action"].choices)[action],  # type: ignore[attr-defined]
            "outcomes": outcomes,
            "done": done,
            "not_done": len(outcomes) - done,
            "back": back,
        },
    )


def _decide(user: User, action: str, application: Application, seen: S, link: str) -> RowOutcome:
    """One row of a bulk decision: permission checked again for this file, then the domain call."""

    def outcome(done: bool, message: str) -> RowOutcome:
        return RowOutcome(application.number or "", application.full_name, done, message, link)

    if not is_society_staff(user, application):
        return outcome(False, _("You are not allowed to make this change."))
    if action == BulkAction.INITIAL_REVIEW:
        if seen not in PASSABLE:
            return outcome(
                False,
                _("Not waiting for initial review (it is “%(state)s”).") % {"state": seen.label},
            )
        try:
            initial_review_pass(application=application, by=user, expected_state=seen)
        except ReviewError as error:
            return outcome(False, str(error))
        return outcome(True, _("Initial review passed."))
    if seen != S.INTERVIEWED:
        return outcome(
            False,
            _("Only interviewed applications go to the committee (it is “%(state)s”).")
            % {"state": seen.label},
        )
    try:
        result = application_transition(
            application=application, to_state=S.DELIBERATION, by=user, expected_state=seen
        )
    except TransitionError as error:
        return outcome(False, str(error))
    if not result.changed:
        return outcome(False, _("Already with the committee."))
    return outcome(True, _("Sent to the committee."))


def _export(request: HttpRequest, ctx: _Context, rows: QuerySet[Application], *, scope: str) -> HttpResponse:
    content, count = queue_workbook(rows=rows)
    audit_event_append(
        actor=_user(request),
        action="queue.export",
        subject=ctx.batch,
        data={"rows": count, "scope": scope, "filters": request.POST.get("filters", "")[:500]},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{ctx.batch.code}-{stamp}.xlsx"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _export_job_for(request: HttpRequest, society: str, pk: int, job: int) -> tuple[_Context, QueueExport]:
    """404 unless the person is staff of the society that runs the batch."""
    ctx = _load(request, society, pk, QueryDict())
    found = get_object_or_404(
        QueueExport.objects.select_related("started_by"), pk=job, batch=ctx.batch, society=ctx.society
    )
    return ctx, found


def _export_progress(job: QueueExport) -> dict[str, object]:
    return job_progress(
        job, busy=EXPORT_BUSY, label=str(QueueExportStatus(job.status).label), done=job.done, total=job.total
    )


@login_required
def export_job(request: HttpRequest, society: str, pk: int, job: int) -> HttpResponse:
    ctx, the_job = _export_job_for(request, society, pk, job)
    back = reverse("queue:queue", args=[ctx.society.code, ctx.batch.pk])
    return render(
        request,
        "review/queue_export.html",
        {
            "society": ctx.society,
            "batch": ctx.batch,
            "job": the_job,
            "progress": _export_progress(the_job),
            "back": back + (f"?{the_job.filters}" if the_job.filters else ""),
        },
    )


@login_required
def export_progress(request: HttpRequest, society: str, pk: int, job: int) -> JsonResponse:
    _ctx, the_job = _export_job_for(request, society, pk, job)
    response = JsonResponse(_export_progress(the_job))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def export_resume(request: HttpRequest, society: str, pk: int, job: int) -> HttpResponse:
    ctx, the_job = _export_job_for(request, society, pk, job)
    try:
        queue_export_resume(export=the_job, by=_user(request))
    except QueueExportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The export starts again."))
    return redirect("queue:export", society=ctx.society.code, pk=ctx.batch.pk, job=the_job.pk)


@login_required
def export_download(request: HttpRequest, society: str, pk: int, job: int) -> FileResponse:
    ctx, the_job = _export_job_for(request, society, pk, job)
    if the_job.status != QueueExportStatus.DONE or not the_job.result:
        raise Http404
    stamp = timezone.localtime(the_job.created_at).strftime("%Y%m%d-%H%M")
    return FileResponse(
        the_job.result.open("rb"),
        as_attachment=True,
        filename=f"{ctx.batch.code}-{stamp}.xlsx",
        content_type=XLSX,
    )
