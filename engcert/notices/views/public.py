"""The public's pages: the notices, one notice's list, and objecting to a listed candidate."""

from __future__ import annotations

from uuid import UUID

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from engcert.notices.domain.errors import NoticeError
from engcert.notices.domain.notice import notice_is_running
from engcert.notices.domain.objection import evidence_max_bytes, evidence_too_big_message, objection_file
from engcert.notices.forms import ObjectionForm, form_token_issue
from engcert.notices.models import Notice, NoticeEntry, Objection
from engcert.notices.selectors import (
    LISTED,
    notice_listing_version,
    notice_public_get,
    notice_public_list,
    notice_public_rows,
)
from engcert.notices.throttle import objection_attempt_allowed
from engcert.notices.uploads import SizeLimitUploadHandler
from engcert.uploads.domain import storage_failure_message

SESSION_KEY = "notices_objections_sent"


def public_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    notices = list(notice_public_list(now=now))
    current = [notice for notice in notices if notice.ends_at > now]
    ended = [notice for notice in notices if notice.ends_at <= now]
    return render(request, "notices/public_list.html", {"current": current, "ended": ended, "now": now})


def public_detail(request: HttpRequest, uid: UUID) -> HttpResponse:
    now = timezone.now()
    notice = notice_public_get(uid=uid, now=now)
    if notice is None:
        raise Http404
    running = notice_is_running(notice, now=now)
    context = {"notice": notice, "running": running, "table": _public_table(notice, running=running)}
    return render(request, "notices/public_detail.html", context)


# The same table is read by everyone who opens a notice, often many at once when it is
# published; it is rendered once per language and listing, and again when a candidate leaves
# it or moves on (or after ten minutes, for a unit or field renamed meanwhile).
TABLE_SECONDS = 600


def _public_table(notice: Notice, *, running: bool) -> str:
    version = notice_listing_version(notice=notice)
    key = f"notice-table:{notice.pk}:{translation.get_language()}:{int(running)}:{version}"
    table: str | None = cache.get(key)
    if table is None:
        rows = notice_public_rows(notice=notice)
        # One reversal for the table, not one per row.
        marker = "00000000-0000-0000-0000-000000000000"
        object_url = reverse("notices:object", args=[notice.uid, marker])
        table = render_to_string(
            "notices/includes/public_table.html",
            {"rows": [(row, object_url.replace(marker, str(row.uid))) for row in rows], "running": running},
        )
        cache.set(key, table, TABLE_SECONDS)
    return mark_safe(table)


def _listed_entry(*, notice_uid: UUID, entry_uid: UUID) -> NoticeEntry:
    now = timezone.now()
    notice = notice_public_get(uid=notice_uid, now=now)
    if notice is None:
        raise Http404
    entry = (
        NoticeEntry.objects.filter(LISTED, notice=notice, uid=entry_uid)
        .select_related(
            "application__unit",
            "application__grade",
            "application__awarded_grade",
            "application__discipline__parent",
        )
        .first()
    )
    if entry is None:
        raise Http404
    entry.notice = notice
    return entry


@csrf_exempt
def object_to(request: HttpRequest, uid: UUID, entry: UUID) -> HttpResponse:
    """Objecting to one listed candidate. The CSRF check runs after the size-limiting upload
    handler is in place (it reads the body, which must not happen before)."""
    if request.method == "POST":
        handler = SizeLimitUploadHandler(request, limit=evidence_max_bytes())
        request.upload_handlers = [handler, *request.upload_handlers]
        return _object_to(request, uid, entry, handler)
    return _object_to(request, uid, entry, None)


@csrf_protect
def _object_to(
    request: HttpRequest, uid: UUID, entry_uid: UUID, handler: SizeLimitUploadHandler | None
) -> HttpResponse:
    entry = _listed_entry(notice_uid=uid, entry_uid=entry_uid)
    notice = entry.notice
    running = notice_is_running(notice, now=timezone.now())
    context = {"notice": notice, "entry": entry, "running": running}
    if not running:
        return render(
            request, "notices/object.html", context, status=410 if request.method == "POST" else 200
        )
    if request.method != "POST":
        context["form"] = ObjectionForm()
        return render(request, "notices/object.html", context)
    if not objection_attempt_allowed(request):
        return render(request, "notices/object_throttled.html", context, status=429)
    post, files = request.POST, request.FILES  # reads the body, through the size-limiting handler
    too_large = handler is not None and handler.too_large
    if too_large:
        # Only the start of the file was kept, in a temporary file: drop it now.
        for name in files:
            for uploaded in files.getlist(name):
                uploaded.close()
    form = ObjectionForm(post, None if too_large else files)
    valid = form.is_valid()
    if too_large:
        form.add_error("evidence", evidence_too_big_message())
        valid = False
    if form.spam:
        # A script filled the field people never see, or forged the form: nothing is kept.
        return render(request, "notices/object_refused.html", context, status=400)
    unstored = False
    if valid:
        data = form.cleaned_data
        try:
            objection = objection_file(
                entry=entry,
                name=data["name"],
                phone=data["phone"],
                email=data["email"],
                statement=data["statement"],
                evidence=data.get("evidence"),
            )
        except NoticeError as error:
            form.add_error(error.field, str(error))
            # The server could not store the evidence: nothing was kept, the form is shown again.
            unstored = str(error) == storage_failure_message()
        else:
            sent = [ref for ref in request.session.get(SESSION_KEY, []) if isinstance(ref, str)][-9:]
            request.session[SESSION_KEY] = [*sent, objection.reference]
            return HttpResponseRedirect(
                reverse("notices:objection_received", kwargs={"reference": objection.reference})
            )
    # A fresh display time: the person has now seen the page again.
    data = request.POST.copy()
    data["shown"] = form_token_issue()
    form.data = data
    context["form"] = form
    return render(request, "notices/object.html", context, status=503 if unstored else 400)


def objection_received(request: HttpRequest, reference: str) -> HttpResponse:
    """The objector's confirmation, readable only in the browser that sent the objection."""
    if reference not in request.session.get(SESSION_KEY, []):
        raise Http404
    objection = (
        Objection.objects.filter(reference=reference)
        .select_related("entry__notice__batch__society", "entry__application")
        .only(
            "reference",
            "received_at",
            "evidence_name",
            "entry__position",
            "entry__application__full_name",
            "entry__notice__uid",
            "entry__notice__contact",
            "entry__notice__batch__name",
            "entry__notice__batch__name_en",
            "entry__notice__batch__society__name",
            "entry__notice__batch__society__name_en",
        )
        .first()
    )
    if objection is None:
        raise Http404
    return render(
        request, "notices/objection_received.html", {"objection": objection, "title": _("Objection received")}
    )
