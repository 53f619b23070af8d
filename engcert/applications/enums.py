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
    ApplicationState.PUBLIC_NOTICE: _("Publicly announced"),
    ApplicationState.OBJECTION: _("Publicly announced, a question is being looked into"),
    ApplicationState.NOTICE_PASSED: _("Public notice completed"),
    ApplicationState.WITH_ALLIANCE: _("Being registered by the alliance"),
    ApplicationState.REGISTERED: _("Registered"),
    ApplicationState.CERTIFICATE_ISSUED: _("Certificate issued"),
    ApplicationState.WITHDRAWN: _("Withdrawn"),
}

# Named groups used by queries and rules.
EDITABLE_BY_APPLICANT = frozenset({ApplicationState.DRAFT, ApplicationState.RETURNED})
FINAL = frozenset(
    {
        ApplicationState.REJECTED,
        ApplicationState.NOT_APPROVED,
        ApplicationState.CERTIFICATE_ISSUED,
        ApplicationState.WITHDRAWN,
    }
)
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
