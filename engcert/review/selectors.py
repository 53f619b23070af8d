"""Reads of the initial review that several pages need, the applicant's included."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.review.models import InitialReview, RevisionItem, RevisionRequest, TitleVerification


def revision_request_list(*, application: Application) -> QuerySet[RevisionRequest]:
    """Every return of this application, newest first, with its items."""
    return (
        RevisionRequest.objects.filter(application=application)
        .select_related("created_by", "review")
        .prefetch_related(Prefetch("items", queryset=RevisionItem.objects.order_by("position")))
        .order_by("-created_at", "-pk")
    )


def revision_request_open(*, application: Application) -> RevisionRequest | None:
    """The request the applicant is answering now: the latest, while the application is returned."""
    if application.state != ApplicationState.RETURNED:
        return None
    return revision_request_list(application=application).first()


def revision_reasons(*, application: Application) -> dict[str, str]:
    """Section key → what the society asked to change there, while the application is returned."""
    if application.state != ApplicationState.RETURNED:
        return {}
    items = RevisionItem.objects.filter(request__application=application).order_by(
        "-request__created_at", "-request__pk", "position"
    )
    latest_request: int | None = None
    reasons: dict[str, str] = {}
    for item in items:
        if latest_request is None:
            latest_request = item.request_id
        if item.request_id != latest_request:
            break
        reasons[item.section] = item.reason
    return reasons


def initial_review_list(*, application: Application) -> QuerySet[InitialReview]:
    return (
        InitialReview.objects.filter(application=application)
        .select_related("decided_by", "snapshot")
        .order_by("round")
    )


def title_verifications_latest(*, application: Application) -> dict[int, TitleVerification]:
    """For each of the application's current titles, its latest check."""
    latest: dict[int, TitleVerification] = {}
    checks = TitleVerification.objects.filter(application=application, title__isnull=False).select_related(
        "checked_by"
    )
    for check in checks.order_by("checked_at", "pk"):
        assert check.title_id is not None
        latest[check.title_id] = check
    return latest


def title_verification_latest(*, application: Application) -> TitleVerification | None:
    """The last check of any of the application's titles: what the applicant is told about."""
    return TitleVerification.objects.filter(application=application).order_by("-checked_at", "-pk").first()
