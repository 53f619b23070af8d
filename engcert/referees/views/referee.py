"""The referee's page, opened from the emailed link without an account: the claims that name
them, and one answer about each. Nothing else of the application is shown."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from engcert.referees.access import LinkStatus, referee_link_resolve
from engcert.referees.domain.requests import AlreadyAnswered, RefereeError, referee_answer_record
from engcert.referees.forms import AnswerForm
from engcert.referees.models import RefereeRequest
from engcert.referees.throttle import referee_page_allowed

REFUSED_STATUS = {
    LinkStatus.UNKNOWN: 404,
    LinkStatus.SUPERSEDED: 410,
    LinkStatus.EXPIRED: 410,
    LinkStatus.WITHDRAWN: 410,
}


def _private(response: HttpResponse) -> HttpResponse:
    """The token is in the address: never cached, never passed on to another site, never indexed.
    (same-origin, not no-referrer: with no referrer at all the browser sends "Origin: null" and
    the answer would fail the CSRF check.)"""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _page(request: HttpRequest, template: str, context: dict[str, object], status: int = 200) -> HttpResponse:
    return _private(render(request, template, context, status=status))


def _claims(referee_request: RefereeRequest) -> list:  # type: ignore[type-arg]
    return list(referee_request.claims.filter(replaced_at__isnull=True).order_by("pk"))


@never_cache
def answer(request: HttpRequest, uid: UUID, token: str) -> HttpResponse:
    if not referee_page_allowed(request):
        return _page(request, "referees/link_refused.html", {"reason": "throttled"}, status=429)
    link = referee_link_resolve(uid=uid, token=token)
    referee_request = link.request
    applicant_id = referee_request.application.applicant_id if referee_request is not None else None
    if request.user.is_authenticated and request.user.pk == applicant_id:
        return _page(request, "referees/link_refused.html", {"reason": "applicant"}, status=403)
    if link.status in REFUSED_STATUS or referee_request is None:
        return _page(
            request,
            "referees/link_refused.html",
            {"reason": link.status, "referee_request": referee_request},
            status=REFUSED_STATUS.get(link.status, 404),
        )
    claims = _claims(referee_request)
    context: dict[str, object] = {
        "referee_request": referee_request,
        "applicant_name": referee_request.application.full_name,
        "society": referee_request.application.batch.society,
        "claims": claims,
    }
    if link.status == LinkStatus.ANSWERED:
        if request.method == "POST":
            context["repeat"] = str(AlreadyAnswered(referee_request.answered_at))  # type: ignore[arg-type]
        return _page(
            request, "referees/answered.html", context, status=409 if request.method == "POST" else 200
        )
    form = AnswerForm(request.POST if request.method == "POST" else None, claims=claims)
    if request.method == "POST" and form.is_valid():
        try:
            referee_answer_record(request=referee_request, answers=form.answers())
        except AlreadyAnswered as error:
            referee_request.refresh_from_db()
            context["repeat"] = str(error)
            return _page(request, "referees/answered.html", context, status=409)
        except RefereeError as error:
            form.add_error(None, str(error))
        else:
            referee_request.refresh_from_db()
            context["claims"] = _claims(referee_request)
            context["thanks"] = _("Thank you: your answer has been recorded.")
            return _page(request, "referees/answered.html", context)
    context["form"] = form
    return _page(request, "referees/answer.html", context, status=400 if form.is_bound else 200)
