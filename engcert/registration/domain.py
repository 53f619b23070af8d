"""Sending a batch's candidates to the alliance, the alliance's verification, and registration.

Every decision locks what it changes, moves the application only through the one transition
function, and leaves an audit event; repeating a finished decision changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.domain.transition import TransitionError, application_transition
from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.audit.domain import audit_event_append
from engcert.batches.models import Batch
from engcert.frameworks.models import Grade
from engcert.organisations.models import Organisation
from engcert.registration.enums import ItemOutcome, SequenceScope
from engcert.registration.models import (
    AlliancePackage,
    NumberCounter,
    PackageItem,
    Registration,
    RegistrationPolicy,
)
from engcert.registration.numbering import NumberParts, number_render, sequence_key, uses_year
from engcert.registration.rules import is_alliance_reviewer
from engcert.registration.selectors import registration_policy_get
from engcert.registration.snapshot import package_snapshot, snapshot_digest
from engcert.tasks_queue import task_enqueue_with_work


class RegistrationError(Exception):
    """A step the rules do not allow now; the message is for people."""


def _require_reviewer(user: User) -> None:
    if not is_alliance_reviewer(user):
        raise RegistrationError(_("Only the alliance's reviewers may verify candidates."))


# --- The society sends a package -----------------------------------------------------------


def package_send(
    *,
    society: Organisation,
    batch: Batch,
    by: User,
    applications: Sequence[Application] | None = None,
) -> AlliancePackage:
    """Send the batch's candidates whose public notice has passed (all of them, or those chosen)
    to the alliance as the next version of the batch's package, with their evaluation records
    frozen and fingerprinted; each candidate becomes "with the alliance"."""
    if not by.has_perm("registration.send_packages", society):
        raise RegistrationError(_("Only the society's staff may send its candidates to the alliance."))
    if batch.society_id != society.pk:
        raise RegistrationError(_("This batch belongs to another society."))
    with transaction.atomic():
        # Locking the batch numbers its packages one after the other.
        Batch.objects.select_for_update().get(pk=batch.pk)
        ready = Application.objects.select_for_update().filter(batch=batch, state=S.NOTICE_PASSED)
        if applications is not None:
            chosen = {application.pk for application in applications}
            ready = ready.filter(pk__in=chosen)
            locked = list(ready.order_by("number", "pk"))
            missing = chosen - {application.pk for application in locked}
            if missing:
                numbers = (
                    Application.objects.filter(pk__in=missing)
                    .order_by("number")
                    .values_list("number", flat=True)
                )
                raise RegistrationError(
                    _(
                        "These candidates are no longer waiting to be sent: %(numbers)s. Please look at the list again."
                    )
                    % {"numbers": ", ".join(n or "—" for n in numbers)}
                )
        else:
            locked = list(ready.order_by("number", "pk"))
        if not locked:
            raise RegistrationError(_("Choose at least one candidate whose public notice has passed."))
        version = (
            AlliancePackage.objects.filter(society=society, batch=batch).aggregate(top=Max("version"))["top"]
            or 0
        ) + 1
        now = timezone.now()
        snapshot = package_snapshot(
            society=society, batch=batch, version=version, applications=locked, sent_at=now, sent_by=by
        )
        package = AlliancePackage.objects.create(
            society=society,
            batch=batch,
            version=version,
            snapshot=snapshot,
            digest=snapshot_digest(snapshot),
            sent_at=now,
            sent_by=by,
        )
        # A candidate moved back outside the alliance's pages leaves an undecided entry behind.
        PackageItem.objects.filter(application__in=locked, outcome=ItemOutcome.PENDING).update(
            outcome=ItemOutcome.SUPERSEDED, decided_at=now
        )
        PackageItem.objects.bulk_create([PackageItem(package=package, application=a) for a in locked])
        for application in locked:
            try:
                application_transition(
                    application=application,
                    to_state=S.WITH_ALLIANCE,
                    by=by,
                    expected_state=S.NOTICE_PASSED,
                    data={"package": package.pk, "version": version},
                )
            except TransitionError as error:
                raise RegistrationError(str(error)) from error
        audit_event_append(
            actor=by,
            action="registration.package_sent",
            subject=package,
            data={
                "society": society.code,
                "batch": batch.code,
                "version": version,
                "digest": package.digest,
                "candidates": [a.number for a in locked],
            },
        )
    return package


# --- The alliance decides ------------------------------------------------------------------


def _locked_item(item: PackageItem) -> PackageItem:
    """Lock the package (its decisions one after the other, so its completion is seen) and the item."""
    AlliancePackage.objects.select_for_update().get(pk=item.package_id)
    return PackageItem.objects.select_for_update().select_related("package").get(pk=item.pk)


def _check_decidable(item: PackageItem, application: Application) -> None:
    later = (
        PackageItem.objects.filter(application_id=item.application_id, pk__gt=item.pk)
        .select_related("package")
        .order_by("-pk")
        .first()
    )
    if later is not None:
        raise RegistrationError(
            _("The society has sent this candidate again in version %(version)s; decide on that package.")
            % {"version": later.package.version}
        )
    if item.outcome != ItemOutcome.PENDING or application.state != S.WITH_ALLIANCE:
        raise RegistrationError(
            _("This candidate is not waiting for the alliance: the application is now “%(state)s”.")
            % {"state": S(application.state).label}
        )


def _complete_if_decided(package_id: int, now: datetime) -> None:
    if not PackageItem.objects.filter(package_id=package_id, outcome=ItemOutcome.PENDING).exists():
        AlliancePackage.objects.filter(pk=package_id, completed_at__isnull=True).update(completed_at=now)


def registration_confirm(*, item: PackageItem, by: User) -> Registration:
    """Confirm a candidate of a package: the application becomes registered and receives its
    national member number. Confirming again returns the same registration."""
    _require_reviewer(by)
    with transaction.atomic():
        locked = _locked_item(item)
        existing = Registration.objects.filter(application_id=locked.application_id).first()
        if existing is not None and locked.outcome == ItemOutcome.CONFIRMED:
            return existing
        application = Application.objects.select_for_update().get(pk=locked.application_id)
        _check_decidable(locked, application)
        grade = application.awarded_grade or application.grade
        if grade is None:
            raise RegistrationError(_("The application has no grade; it cannot be registered."))
        now = timezone.now()
        number = member_number_allocate(society=locked.package.society, grade=grade, at=now)
        try:
            application_transition(
                application=application,
                to_state=S.REGISTERED,
                by=by,
                expected_state=S.WITH_ALLIANCE,
                data={
                    "package": locked.package_id,
                    "version": locked.package.version,
                    "member_number": number,
                },
            )
        except TransitionError as error:
            raise RegistrationError(str(error)) from error
        registration = Registration.objects.create(
            application=application,
            member_number=number,
            holder_id=application.applicant_id,
            full_name=application.full_name,
            full_name_en=application.full_name_en,
            email=application.applicant.email,
            unit_id=application.unit_id,
            society=locked.package.society,
            grade=grade,
            discipline=application.discipline,
            package_item=locked,
            registered_at=now,
            registered_by=by,
        )
        locked.outcome = ItemOutcome.CONFIRMED
        locked.decided_at, locked.decided_by = now, by
        locked.save(update_fields=["outcome", "decided_at", "decided_by"])
        audit_event_append(
            actor=by,
            action="registration.registered",
            subject=registration,
            application=application,
            data={"member_number": number, "grade": grade.code, "package": locked.package_id},
        )
        _complete_if_decided(locked.package_id, now)
        registration_id = registration.pk
        _certificate_issue_enqueue(registration_id)
    return registration


def _certificate_issue_enqueue(registration_id: int) -> None:
    """The member's certificate is issued in the background once the registration is committed."""
    # Certificates depend on registration; the task is found at run time, not at import.
    from engcert.certificates.tasks import certificate_issue_task

    task_enqueue_with_work(certificate_issue_task, registration_id=registration_id)


def registration_return(*, item: PackageItem, reason: str, by: User) -> PackageItem:
    """Return a candidate to the society with a reason; the candidate is told by email and the
    society may send them again in a later package."""
    _require_reviewer(by)
    reason = reason.strip()
    if not reason:
        raise RegistrationError(
            _("Please say why the candidate is returned; the society and the candidate read it.")
        )
    with transaction.atomic():
        locked = _locked_item(item)
        if locked.outcome == ItemOutcome.RETURNED:
            return locked
        application = Application.objects.select_for_update().get(pk=locked.application_id)
        _check_decidable(locked, application)
        try:
            application_transition(
                application=application,
                to_state=S.NOTICE_PASSED,
                by=by,
                reason=reason,
                expected_state=S.WITH_ALLIANCE,
                data={"package": locked.package_id, "version": locked.package.version},
            )
        except TransitionError as error:
            raise RegistrationError(str(error)) from error
        now = timezone.now()
        locked.outcome, locked.reason = ItemOutcome.RETURNED, reason
        locked.decided_at, locked.decided_by = now, by
        locked.save(update_fields=["outcome", "reason", "decided_at", "decided_by"])
        _complete_if_decided(locked.package_id, now)
    return locked


@dataclass(frozen=True)
class BulkOutcome:
    item: PackageItem
    done: bool
    message: str
    registration: Registration | None = None


def registration_confirm_many(*, items: Iterable[PackageItem], by: User) -> list[BulkOutcome]:
    """Confirm each candidate on its own: one that cannot be confirmed leaves the others done."""
    outcomes: list[BulkOutcome] = []
    for item in items:
        already = item.outcome == ItemOutcome.CONFIRMED
        try:
            registration = registration_confirm(item=item, by=by)
        except RegistrationError as error:
            outcomes.append(BulkOutcome(item=item, done=False, message=str(error)))
            continue
        message = (_("Already registered as %(number)s.") if already else _("Registered as %(number)s.")) % {
            "number": registration.member_number
        }
        outcomes.append(BulkOutcome(item=item, done=True, message=message, registration=registration))
    return outcomes


# --- Member numbers ------------------------------------------------------------------------


def member_number_allocate(*, society: Organisation, grade: Grade, at: datetime) -> str:
    """The next member number under the alliance's policy. Must run inside the transaction that
    registers the member: the counter row stays locked until it commits, and rolls back with it."""
    policy = registration_policy_get()
    scope = SequenceScope(policy.sequence_scope)
    society_code = society.code.upper()
    year = timezone.localtime(at).year
    key = sequence_key(scope=scope, society=society_code, grade=grade.code)
    counter_year = year if uses_year(policy.number_format) else 0
    NumberCounter.objects.get_or_create(scope=key, year=counter_year)
    counter = NumberCounter.objects.select_for_update().get(scope=key, year=counter_year)
    while True:
        counter.last_value += 1
        number = number_render(
            policy.number_format,
            NumberParts(
                prefix=policy.prefix,
                year=year,
                society=society_code,
                grade=grade.code,
                seq=counter.last_value,
            ),
        )
        # Members imported from earlier records keep their own numbers, which may fall in this
        # sequence: such a number is passed over, never handed out twice.
        if not Registration.objects.filter(member_number=number).exists():
            break
    counter.save(update_fields=["last_value"])
    return number


def registration_policy_update(
    *, prefix: str, number_format: str, sequence_scope: str, by: User
) -> RegistrationPolicy:
    """Change how member numbers are written from now on; numbers already given stay."""
    _require_reviewer(by)
    with transaction.atomic():
        policy = registration_policy_get()
        policy = RegistrationPolicy.objects.select_for_update().get(pk=policy.pk)
        before = {
            "prefix": policy.prefix,
            "number_format": policy.number_format,
            "sequence_scope": policy.sequence_scope,
        }
        policy.prefix, policy.number_format, policy.sequence_scope = (
            prefix.strip(),
            number_format.strip(),
            sequence_scope,
        )
        policy.full_clean()
        after = {
            "prefix": policy.prefix,
            "number_format": policy.number_format,
            "sequence_scope": policy.sequence_scope,
        }
        if after == before:
            return policy
        policy.updated_by = by
        policy.save()
        audit_event_append(
            actor=by,
            action="registration.policy_changed",
            subject=policy,
            data={"before": before, "after": after},
        )
    return policy


__all__ = [
    "BulkOutcome",
    "RegistrationError",
    "member_number_allocate",
    "package_send",
    "registration_confirm",
    "registration_confirm_many",
    "registration_policy_update",
    "registration_return",
]
