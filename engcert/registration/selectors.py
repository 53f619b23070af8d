"""Reads of the alliance's verification and the national register that several places need."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.batches.models import Batch
from engcert.organisations.models import Organisation
from engcert.registration.enums import ItemOutcome, PackageStatus
from engcert.registration.models import AlliancePackage, PackageItem, Registration, RegistrationPolicy


def registration_for(*, application: Application) -> Registration | None:
    """The candidate's entry in the national register, or None while not registered."""
    return (
        Registration.objects.select_related("society", "grade", "discipline", "registered_by")
        .filter(application=application)
        .first()
    )


def registration_policy_get() -> RegistrationPolicy:
    """The alliance's member-number rule; the default row is made on first use."""
    policy, _created = RegistrationPolicy.objects.get_or_create(singleton=True)
    return policy


def package_list(*, society: Organisation | None = None, status: str = "") -> QuerySet[AlliancePackage]:
    """Packages with their counts of candidates by outcome, newest first."""
    # The frozen records are not read by a list: leave the large column behind.
    packages = (
        AlliancePackage.objects.select_related("society", "batch", "sent_by")
        .defer("snapshot")
        .annotate(
            total=Count("items"),
            pending=Count("items", filter=Q(items__outcome=ItemOutcome.PENDING)),
            confirmed=Count("items", filter=Q(items__outcome=ItemOutcome.CONFIRMED)),
            returned=Count("items", filter=Q(items__outcome=ItemOutcome.RETURNED)),
        )
    )
    if society is not None:
        packages = packages.filter(society=society)
    if status == PackageStatus.PENDING:
        packages = packages.filter(completed_at__isnull=True)
    elif status == PackageStatus.COMPLETE:
        packages = packages.filter(completed_at__isnull=False)
    return packages.order_by("-sent_at", "-pk")


def package_items(*, package: AlliancePackage) -> QuerySet[PackageItem]:
    """The candidates of a package with their live state, registration, and whether this
    package is still the latest one they were sent in."""
    later = PackageItem.objects.filter(application=OuterRef("application"), pk__gt=OuterRef("pk"))
    return (
        package.items.select_related(
            "application__unit",
            "application__grade",
            "application__awarded_grade",
            "application__registration",
            "decided_by",
        )
        .annotate(superseded=Exists(later))
        .order_by("application__number", "pk")
    )


def latest_item_for(*, application: Application) -> PackageItem | None:
    return (
        PackageItem.objects.select_related("package").filter(application=application).order_by("-pk").first()
    )


def sendable_candidates(*, batch: Batch) -> QuerySet[Application]:
    """Candidates of the batch whose public notice has passed and who are not with the alliance."""
    return (
        Application.objects.filter(batch=batch, state=S.NOTICE_PASSED)
        .select_related("unit", "grade", "awarded_grade", "discipline")
        .order_by("number", "pk")
    )


def last_return_of(applications: list[Application]) -> dict[int, PackageItem]:
    """The alliance's latest return of each of these candidates, to show staff why it came back."""
    returns: dict[int, PackageItem] = {}
    for item in (
        PackageItem.objects.filter(application__in=applications, outcome=ItemOutcome.RETURNED)
        .select_related("package", "decided_by")
        .order_by("pk")
    ):
        returns[item.application_id] = item
    return returns


def batches_with_sendable(*, society: Organisation) -> list[dict[str, Any]]:
    """The society's batches that have candidates ready to send, with how many."""
    rows = (
        Batch.objects.filter(society=society)
        .annotate(ready=Count("applications", filter=Q(applications__state=S.NOTICE_PASSED)))
        .filter(ready__gt=0)
        .order_by("-opens_at", "-pk")
    )
    return [{"batch": batch, "ready": batch.ready} for batch in rows]


def snapshot_candidate(*, package: AlliancePackage, uid: str) -> dict[str, Any] | None:
    for record in package.snapshot.get("candidates", []):
        if record.get("uid") == uid:
            return dict(record)
    return None
