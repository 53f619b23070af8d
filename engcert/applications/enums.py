"""States of an application and the choices its sections use."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrPromise


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    REVIEW_PASSED = "review_passed", _("Initial review passed")
    REJECTED = "rejected", _("Rejected at initial review")
    INTERVIEW_SCHEDULED = "interview_scheduled", _("Interview scheduled")
    INTERVIEWED = "interviewed", _("Interviewed")
    DELIBERATION = "deliberation", _("Under deliberation")
    APPROVED = "approved", _("Approved by the committee")
    NOT_APPROVED = "not_approved", _("Not approved")
    UNDER_APPEAL = "under_appeal", _("Under appeal")
    PUBLIC_NOTICE = "public_notice", _("In public notice")
    OBJECTION = "objection", _("Objection under investigation")
    NOTICE_PASSED = "notice_passed", _("Public notice passed")
    WITH_ALLIANCE = "with_alliance", _("With the alliance for verification")
    REGISTERED = "registered", _("Registered")
    CERTIFICATE_ISSUED = "certificate_issued", _("Certificate issued")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The applicant-facing words for each state: plainer than the staff labels.
PUBLIC_LABELS: dict[str, StrPromise] = {
    ApplicationState.DRAFT: _("Not yet submitted"),
    ApplicationState.SUBMITTED: _("Received, waiting for review"),
    ApplicationState.RETURNED: _("Needs changes from you"),
    ApplicationState.RESUBMITTED: _("Changes received, waiting for review"),
    ApplicationState.REVIEW_PASSED: _("Passed the first check"),
    ApplicationState.REJECTED: _("Not accepted"),
    ApplicationState.INTERVIEW_SCHEDULED: _("Interview arranged"),
    ApplicationState.INTERVIEWED: _("Interview done, waiting for the committee"),
    ApplicationState.DELIBERATION: _("With the committee"),
    ApplicationState.APPROVED: _("Approved, public notice coming"),
    ApplicationState.NOT_APPROVED: _("Not approved"),
    ApplicationState.UNDER_APPEAL: _("Your appeal is being considered"),
    ApplicationState.PUBLIC_NOTICE: _("Publicly announced"),
    ApplicationState.OBJECTION: _("Publicly announced, a question is being looked into"),
    ApplicationState.NOTICE_PASSED: _("Public notice completed"),
    ApplicationState.WITH_ALLIANCE: _("Being registered by the alliance"),
    ApplicationState.REGISTERED: _("Registered"),
    ApplicationState.CERTIFICATE_ISSUED: _("Certificate issued"),
    ApplicationState.WITHDRAWN: _("Withdrawn"),
}

# What happens next, in plain words, for the applicant's status box and their emails.
NEXT_STEPS: dict[str, StrPromise] = {
    ApplicationState.SUBMITTED: _(
        "The society checks that your application is complete and that you meet the requirements "
        "of the grade. You will receive an email when it has been checked."
    ),
    ApplicationState.RESUBMITTED: _(
        "The society checks the sections you changed. You will receive an email when it has been checked."
    ),
    ApplicationState.REVIEW_PASSED: _(
        "The society is arranging your interview with a panel of examiners. You will receive an "
        "email with the time and place."
    ),
    ApplicationState.INTERVIEW_SCHEDULED: _(
        "Your interview is arranged; its time and place are shown on this page."
    ),
    ApplicationState.INTERVIEWED: _(
        "The examiners have recorded their assessment. The society's committee will deliberate on "
        "your application at its next meeting."
    ),
    ApplicationState.DELIBERATION: _(
        "The committee will deliberate on your application. You will receive an email with its decision."
    ),
    ApplicationState.APPROVED: _(
        "The committee has approved your application. Your name, unit, grade and field will be "
        "published in a public notice for a few working days, during which anyone may raise a question."
    ),
    ApplicationState.PUBLIC_NOTICE: _(
        "Your name, unit, grade and field are published in the society's public notice. When the "
        "notice period ends, the society sends your result to the alliance for registration."
    ),
    ApplicationState.OBJECTION: _(
        "Someone raised a question during the public notice and the society is looking into it. You "
        "need not do anything unless the society contacts you; you will receive an email with the outcome."
    ),
    ApplicationState.NOTICE_PASSED: _(
        "The public notice has ended. The society will send your result to the alliance for "
        "verification and registration."
    ),
    ApplicationState.WITH_ALLIANCE: _(
        "The alliance is verifying your evaluation. When it confirms, you are registered and given "
        "a national member number."
    ),
    ApplicationState.REGISTERED: _(
        "You are registered as an engineer member. The society will issue your certificate."
    ),
    ApplicationState.CERTIFICATE_ISSUED: _("Your certificate has been issued."),
    ApplicationState.REJECTED: _(
        "Your application was not accepted at the initial review. The reason is shown in the history "
        "below. If you think the decision is wrong, you may appeal within the time shown on your "
        "application page."
    ),
    ApplicationState.NOT_APPROVED: _(
        "Your application was not approved. The reason is shown in the history below. If you think "
        "the decision is wrong, you may appeal within the time shown on your application page."
    ),
    ApplicationState.UNDER_APPEAL: _(
        "A panel of people who took no part in the decision is looking at your appeal. You will "
        "receive an email with its outcome."
    ),
    ApplicationState.WITHDRAWN: _("You withdrew this application."),
}

# Named groups used by queries and rules.
EDITABLE_BY_APPLICANT = frozenset({ApplicationState.DRAFT, ApplicationState.RETURNED})
# States with no way out. A rejection or a refusal is not among them: it may be appealed.
FINAL = frozenset({ApplicationState.CERTIFICATE_ISSUED, ApplicationState.WITHDRAWN})
# Decisions against the candidate that they may appeal within the society's window.
APPEALABLE = frozenset({ApplicationState.REJECTED, ApplicationState.NOT_APPROVED})
INACTIVE = frozenset({ApplicationState.WITHDRAWN})
WITHDRAWABLE = frozenset(
    {
        ApplicationState.DRAFT,
        ApplicationState.SUBMITTED,
        ApplicationState.RETURNED,
        ApplicationState.RESUBMITTED,
        ApplicationState.REVIEW_PASSED,
        ApplicationState.INTERVIEW_SCHEDULED,
    }
)


class AssessmentPath(models.TextChoices):
    """Full assessment, or the shortened one a verified international title allows (简化考核)."""

    FULL = "full", _("Full assessment")
    SIMPLIFIED = "simplified", _("Simplified assessment")


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Degree(models.TextChoices):
    DOCTOR = "doctor", _("Doctorate")
    MASTER = "master", _("Master's degree")
    BACHELOR = "bachelor", _("Bachelor's degree")
    ASSOCIATE = "associate", _("Associate degree (大专)")
    OTHER = "other", pgettext_lazy("degree", "Other")


ENGINEERING_DEGREES = frozenset({Degree.DOCTOR, Degree.MASTER, Degree.BACHELOR})


class AchievementKind(models.TextChoices):
    TITLE = "title", _("Professional title (职称)")
    QUALIFICATION = "qualification", _("Qualification or licence")
    PUBLICATION = "publication", _("Publication")
    PATENT = "patent", _("Patent")
    AWARD = "award", _("Award")


class InternationalTitleKind(models.TextChoices):
    INTPE = "intpe", _("IntPE (International Professional Engineer)")
    APEC = "apec", _("APEC Engineer")
    EUR_ING = "eur_ing", _("EUR ING")
    ASEAN = "asean", _("ASEAN Chartered Professional Engineer")
    OTHER = "other", pgettext_lazy("international title", "Other")


class CpdActivityType(models.TextChoices):
    TRAINING = "training", _("Training or examination in the field")
    SEMINAR = "seminar", _("Seminar or conference")
    STANDARDS = "standards", _("Drafting standards or research")
    PUBLISHING = "publishing", _("Publishing papers or books")
    LECTURING = "lecturing", _("Lecturing or giving talks")
    CONSULTING = "consulting", _("Technical consulting")
    OTHER = "other", _("Other professional activity")


class AttachmentKind(models.TextChoices):
    DEGREE_CERTIFICATE = "degree", _("Degree certificate")
    IDENTITY_DOCUMENT = "identity", _("Identity document")
    INTERNATIONAL_TITLE = "intl_title", _("International title evidence")
    TITLE_CERTIFICATE = "title", _("Professional title certificate")
    PROJECT_EVIDENCE = "project", _("Project evidence")
    OTHER = "other", _("Other supporting document")
