"""Initial review (初审): the checklist, the three outcomes, and the check of international titles.

Every outcome moves the application through `application_transition`, which audits the move and
emails the applicant; the review's own records (checklist, revision request, verification) are
written in the same transaction and audited too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.domain.eligibility import Eligibility, application_eligibility
from engcert.applications.domain.transition import TransitionError, application_transition
from engcert.applications.enums import ENGINEERING_DEGREES, ApplicationState, AssessmentPath
from engcert.applications.models import (
    Application,
    ApplicationSnapshot,
    InternationalTitle,
    PledgeSignature,
)
from engcert.applications.rules import is_society_staff
from engcert.applications.sections import SECTION_BY_KEY
from engcert.audit.domain import audit_event_append
from engcert.review.enums import TICKED_ITEMS, ChecklistItem, ReviewOutcome
from engcert.review.models import InitialReview, RevisionItem, RevisionRequest, TitleVerification

# The states in which an initial review decides.
UNDER_REVIEW = frozenset({ApplicationState.SUBMITTED, ApplicationState.RESUBMITTED})
# The states in which staff may check an international title: before the interview is arranged.
TITLE_CHECK_STATES = frozenset(
    {ApplicationState.SUBMITTED, ApplicationState.RESUBMITTED, ApplicationState.REVIEW_PASSED}
)


class ReviewError(Exception):
    """A review step the rules do not allow; the message is for the person who tried it."""


# The checklist ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistLine:
    item: ChecklistItem
    ticked: bool
    computed: bool  # read from the file, not ticked by the reviewer


def checklist_lines(
    *, review: InitialReview, application: Application, signature: PledgeSignature | None
) -> list[ChecklistLine]:
    """The items that apply to this application, with their state."""
    lines = [
        ChecklistLine(ChecklistItem.DOCUMENTS_COMPLETE, review.documents_complete, computed=False),
        ChecklistLine(ChecklistItem.DOCUMENTS_LEGIBLE, review.documents_legible, computed=False),
        ChecklistLine(ChecklistItem.ELIGIBILITY, review.eligibility_confirmed, computed=False),
        ChecklistLine(ChecklistItem.PLEDGE, pledge_is_signed(signature), computed=True),
    ]
    if application.batch.requires_unit_endorsement:
        lines.append(
            ChecklistLine(ChecklistItem.UNIT_ENDORSEMENT, review.unit_endorsement_received, computed=False)
        )
    return lines


def pledge_is_signed(signature: PledgeSignature | None) -> bool:
    return signature is not None and signature.consents_to_verification


def _signature(application: Application) -> PledgeSignature | None:
    return PledgeSignature.objects.filter(application=application).select_related("pledge").first()


def initial_review_current(*, application: Application) -> InitialReview:
    """The review of the latest submission; unsaved until someone first saves its checklist."""
    snapshot = ApplicationSnapshot.objects.filter(application=application).order_by("-sequence").first()
    round_number = snapshot.sequence if snapshot is not None else 1
    found = InitialReview.objects.filter(application=application, round=round_number).first()
    return found or InitialReview(application=application, round=round_number, snapshot=snapshot)


@dataclass(frozen=True)
class EligibilityFigures:
    """The grade's minimums beside what the file shows, for the reviewer to confirm."""

    eligibility: Eligibility
    requires_degree: bool
    has_degree: bool
    min_practice_years: Decimal
    min_responsible_years: Decimal

    @property
    def practice_met(self) -> bool:
        return self.eligibility.experience.practice_years >= self.min_practice_years

    @property
    def responsible_met(self) -> bool:
        return self.eligibility.experience.responsible_years >= self.min_responsible_years

    @property
    def degree_met(self) -> bool:
        return self.has_degree or not self.requires_degree


def eligibility_figures(*, application: Application, today: date | None = None) -> EligibilityFigures:
    eligibility = application_eligibility(application=application, today=today)
    grade = application.grade
    return EligibilityFigures(
        eligibility=eligibility,
        requires_degree=bool(grade and grade.requires_degree),
        has_degree=any(e.degree in ENGINEERING_DEGREES for e in application.education.all()),
        min_practice_years=grade.min_practice_years if grade else Decimal(0),
        min_responsible_years=grade.min_responsible_years if grade else Decimal(0),
    )


def _assert_staff(*, application: Application, by: User) -> None:
    if not is_society_staff(by, application):
        raise ReviewError(_("Only the society's staff can review this application."))


def _lock_under_review(
    *, application: Application, by: User, expected_state: str | None, states: frozenset[str] = UNDER_REVIEW
) -> Application:
    """Lock the row; refuse when someone else moved it since the reviewer looked, or it is not under review."""
    _assert_staff(application=application, by=by)
    locked = (
        Application.objects.select_for_update(of=("self",)).select_related("batch").get(pk=application.pk)
    )
    if expected_state and locked.state != expected_state:
        raise ReviewError(
            _(
                "This application was changed by someone else while you were looking at it: it is now “%(state)s”. "
                "Reload the page to see the change."
            )
            % {"state": ApplicationState(locked.state).label}
        )
    if locked.state not in states:
        raise ReviewError(
            _("An application that is “%(state)s” is not under initial review.")
            % {"state": ApplicationState(locked.state).label}
        )
    return locked


def _review_for_update(application: Application) -> InitialReview:
    current = initial_review_current(application=application)
    if current.pk is None:
        current.save()
    return InitialReview.objects.select_for_update().get(pk=current.pk)


def initial_review_checklist_save(
    *,
    application: Application,
    by: User,
    ticked: Mapping[str, bool],
    notes: str,
    expected_state: str | None = None,
) -> InitialReview:
    """Save the ticks so far; the review may take several visits. Each change is audited."""
    unknown = set(ticked) - {item.value for item in TICKED_ITEMS}
    if unknown:
        raise ValueError(f"not checklist items: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = _lock_under_review(application=application, by=by, expected_state=expected_state)
        review = _review_for_update(locked)
        changed = {name: value for name, value in ticked.items() if getattr(review, name) != value}
        notes = notes.strip()
        notes_changed = notes != review.notes
        if not changed and not notes_changed:
            return review
        for name, value in changed.items():
            setattr(review, name, value)
        review.notes = notes
        review.updated_by = by
        review.save()
        audit_event_append(
            actor=by,
            action="review.checklist_saved",
            subject=review,
            application=locked,
            data={"round": review.round, "changed": changed, "notes_changed": notes_changed},
        )
    return review


def checklist_missing(lines: list[ChecklistLine]) -> list[str]:
    """The applicable items not yet ticked (or, for the pledge, not signed), by name."""
    return [str(line.item.label) for line in lines if not line.ticked]


# The outcomes -----------------------------------------------------------------------------------


def _decide(
    *,
    review: InitialReview,
    application: Application,
    by: User,
    to_state: ApplicationState,
    outcome: ReviewOutcome,
    reason: str,
    data: dict[str, object],
    expected_state: str | None,
    extra_updates: dict[str, object] | None = None,
) -> None:
    try:
        application_transition(
            application=application,
            to_state=to_state,
            by=by,
            reason=reason,
            data={"round": review.round, **data},
            extra_updates=extra_updates,
            expected_state=ApplicationState(expected_state) if expected_state else None,
        )
    except TransitionError as error:
        raise ReviewError(str(error)) from error
    review.outcome = outcome
    review.outcome_reason = reason
    review.decided_at = timezone.now()
    review.decided_by = by
    review.save(update_fields=["outcome", "outcome_reason", "decided_at", "decided_by", "updated_at"])


def initial_review_pass(
    *, application: Application, by: User, expected_state: str | None = None
) -> Application:
    """Pass the initial review; only when every applicable checklist item is ticked.

    Passing an application that has already passed is a no-op (a bulk action may repeat it),
    unless the caller says which state it saw and that state is gone.
    """
    with transaction.atomic():
        if not expected_state:
            _assert_staff(application=application, by=by)
            current = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
            if current.state == ApplicationState.REVIEW_PASSED:
                return current
        locked = _lock_under_review(application=application, by=by, expected_state=expected_state)
        review = _review_for_update(locked)
        lines = checklist_lines(review=review, application=locked, signature=_signature(locked))
        missing = checklist_missing(lines)
        if missing:
            raise ReviewError(
                _("The checklist is not complete: %(items)s.") % {"items": _(", ").join(missing)}
            )
        _decide(
            review=review,
            application=locked,
            by=by,
            to_state=ApplicationState.REVIEW_PASSED,
            outcome=ReviewOutcome.PASSED,
            reason="",
            data={"checklist": {line.item.value: line.ticked for line in lines}},
            expected_state=expected_state,
        )
    application.state = locked.state
    application.state_changed_at = locked.state_changed_at
    return locked


@dataclass(frozen=True)
class RevisionInput:
    section: str
    reason: str


def initial_review_return(
    *,
    application: Application,
    by: User,
    items: Sequence[RevisionInput],
    expected_state: str | None = None,
) -> RevisionRequest:
    """Send the application back with what to change, section by section; only those sections open."""
    cleaned = [RevisionInput(item.section, item.reason.strip()) for item in items]
    if not cleaned:
        raise ReviewError(_("Choose at least one section to return for revision."))
    sections = [item.section for item in cleaned]
    unknown = [section for section in sections if section not in SECTION_BY_KEY]
    if unknown:
        raise ReviewError(_("There is no section “%(section)s” in the form.") % {"section": unknown[0]})
    if len(set(sections)) != len(sections):
        raise ReviewError(_("Each section can be returned once, with one reason."))
    for item in cleaned:
        if not item.reason:
            raise ReviewError(
                _("Say what needs to change in “%(section)s”.")
                % {"section": SECTION_BY_KEY[item.section].title}
            )
    # In the order of the form, whatever order they were picked in.
    order = list(SECTION_BY_KEY)
    cleaned.sort(key=lambda item: order.index(item.section))
    summary = "\n".join(f"{SECTION_BY_KEY[item.section].title}: {item.reason}" for item in cleaned)
    with transaction.atomic():
        locked = _lock_under_review(application=application, by=by, expected_state=expected_state)
        review = _review_for_update(locked)
        request = RevisionRequest.objects.create(review=review, application=locked, created_by=by)
        RevisionItem.objects.bulk_create(
            RevisionItem(request=request, section=item.section, reason=item.reason, position=position)
            for position, item in enumerate(cleaned)
        )
        _decide(
            review=review,
            application=locked,
            by=by,
            to_state=ApplicationState.RETURNED,
            outcome=ReviewOutcome.RETURNED,
            reason=summary,
            data={"items": [{"section": item.section, "reason": item.reason} for item in cleaned]},
            extra_updates={"revision_sections": [item.section for item in cleaned]},
            expected_state=expected_state,
        )
    application.state = locked.state
    application.revision_sections = locked.revision_sections
    return request


def initial_review_reject(
    *, application: Application, by: User, reason: str, expected_state: str | None = None
) -> Application:
    """Reject at initial review; the applicant is told why."""
    reason = reason.strip()
    if not reason:
        raise ReviewError(_("Give the reason for rejecting; the applicant will read it."))
    with transaction.atomic():
        locked = _lock_under_review(application=application, by=by, expected_state=expected_state)
        review = _review_for_update(locked)
        _decide(
            review=review,
            application=locked,
            by=by,
            to_state=ApplicationState.REJECTED,
            outcome=ReviewOutcome.REJECTED,
            reason=reason,
            data={},
            expected_state=expected_state,
        )
    application.state = locked.state
    return locked


# International titles and simplified assessment -------------------------------------------------


def simplified_assessment_applies(application: Application) -> bool:
    return application.simplified_requested and application.batch.offers_simplified_assessment


def title_is_expired(title: InternationalTitle, *, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return title.expires_on is not None and title.expires_on < today


def international_title_verify(
    *,
    application: Application,
    title: InternationalTitle,
    by: User,
    verified: bool,
    note: str,
    today: date | None = None,
) -> TitleVerification:
    """Record whether an international title holds up; a verified title sets the simplified path.

    Not verified keeps (or puts back) the full assessment unless another of the applicant's titles
    stands verified. The path is all this records: what the shortened assessment consists of is
    the society's evaluation policy.
    """
    note = note.strip()
    if title.application_id != application.pk:
        raise ReviewError(_("This title belongs to another application."))
    with transaction.atomic():
        locked = _lock_under_review(
            application=application, by=by, expected_state=None, states=TITLE_CHECK_STATES
        )
        if not simplified_assessment_applies(locked):
            raise ReviewError(
                _("The applicant has not asked for simplified assessment in a call that offers it.")
            )
        title = InternationalTitle.objects.select_related("evidence").get(pk=title.pk)
        if verified:
            if title_is_expired(title, today=today):
                raise ReviewError(
                    _("This title expired on %(date)s; an expired title cannot be verified.")
                    % {"date": title.expires_on}
                )
            if title.evidence is None:
                raise ReviewError(_("There is no evidence attached to this title; it cannot be verified."))
        elif not note:
            raise ReviewError(_("Say why the title could not be verified; the applicant will read it."))
        check = TitleVerification.objects.create(
            application=locked,
            title=title,
            kind=title.kind,
            number=title.number,
            issuer=title.issuer,
            expires_on=title.expires_on,
            evidence_sha256=title.evidence.sha256 if title.evidence is not None else "",
            verified=verified,
            note=note,
            checked_at=timezone.now(),
            checked_by=by,
        )
        path = (
            AssessmentPath.SIMPLIFIED
            if verified or _another_title_verified(locked, title)
            else AssessmentPath.FULL
        )
        previous = locked.assessment_path
        if path != previous:
            locked.assessment_path = path
            locked.save(update_fields=["assessment_path", "updated_at"])
        audit_event_append(
            actor=by,
            action="review.title_verification",
            subject=check,
            application=locked,
            reason=note,
            data={
                "title": title.pk,
                "kind": title.kind,
                "number": title.number,
                "verified": verified,
                "assessment_path": {"from": previous, "to": path},
            },
        )
    application.assessment_path = locked.assessment_path
    return check


def _another_title_verified(application: Application, checked: InternationalTitle) -> bool:
    """Whether another title of the application still stands verified by its latest check."""
    latest: dict[int, bool] = {}
    for check in (
        TitleVerification.objects.filter(application=application, title__isnull=False)
        .exclude(title=checked)
        .order_by("checked_at", "pk")
    ):
        assert check.title_id is not None
        latest[check.title_id] = check.verified
    return any(latest.values())
