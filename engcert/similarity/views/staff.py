"""Staff pages: a batch's flagged pairs, one pair side by side with its review, the threshold."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.similarity.access import get_batch_for_similarity, get_pair_for_staff, get_society_for_similarity
from engcert.similarity.domain import (
    SimilarityError,
    similar_pair_review,
    similarity_threshold,
    similarity_threshold_set,
)
from engcert.similarity.enums import PairStatus
from engcert.similarity.fingerprint import shared_segments
from engcert.similarity.forms import PairReviewForm, ThresholdForm
from engcert.similarity.selectors import SORTS, similar_pair_list

PAGE_SIZE = 500


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def batch_pairs(request: HttpRequest, society: str, batch: str) -> HttpResponse:
    org = get_society_for_similarity(user=_user(request), code=society)
    the_batch = get_batch_for_similarity(society=org, code=batch)
    sort = request.GET.get("sort", "-score")
    if sort not in SORTS:
        sort = "-score"
    pairs = list(similar_pair_list(society=org, batch=the_batch, sort=sort)[:PAGE_SIZE])
    return render(
        request,
        "similarity/batch_pairs.html",
        {
            "society": org,
            "batch": the_batch,
            "pairs": pairs,
            "sort": sort,
            "threshold": similarity_threshold(society=org),
            "open_count": sum(1 for pair in pairs if pair.status == PairStatus.OPEN),
        },
    )


@login_required
def pair_detail(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org = get_society_for_similarity(user=_user(request), code=society)
    pair = get_pair_for_staff(society=org, pk=pk)
    form = PairReviewForm(
        request.POST if request.method == "POST" else None,
        initial={"status": pair.status if pair.status != PairStatus.OPEN else None, "note": pair.note},
    )
    if request.method == "POST" and form.is_valid():
        try:
            similar_pair_review(
                pair=pair,
                by=_user(request),
                status=PairStatus(form.cleaned_data["status"]),
                note=form.cleaned_data["note"],
            )
        except SimilarityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your conclusion about this pair is recorded."))
            return redirect("similarity:pair", org.code, pair.pk)
    earlier, later = shared_segments(pair.earlier.text, pair.later.text)
    return render(
        request,
        "similarity/pair_detail.html",
        {
            "society": org,
            "pair": pair,
            "sides": [(pair.earlier, earlier), (pair.later, later)],
            "form": form,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def settings_edit(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_similarity(user=_user(request), code=society)
    form = ThresholdForm(
        request.POST if request.method == "POST" else None,
        initial={"threshold": similarity_threshold(society=org)},
    )
    if request.method == "POST" and form.is_valid():
        similarity_threshold_set(society=org, threshold=form.cleaned_data["threshold"], by=_user(request))
        messages.success(request, _("The threshold is saved."))
        return redirect("similarity:settings", org.code)
    return render(
        request,
        "similarity/settings.html",
        {"society": org, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )
