from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from engcert.accounts.models import User
from engcert.applications.models import Application


def application_list_for_applicant(*, user: User) -> QuerySet[Application]:
    return Application.objects.filter(applicant=user).select_related("batch", "batch__society", "grade")


def application_get_full(*, pk: int) -> Application:
    """One application with everything its overview, checks and PDF read."""
    return (
        Application.objects.select_related(
            "batch",
            "batch__society",
            "grade",
            "discipline",
            "discipline__parent",
            "unit",
            "framework_version",
            "framework_version__framework",
            "applicant",
        )
        .prefetch_related(
            "education",
            "work_entries",
            "projects",
            "achievements",
            "international_titles",
            "cpd_records",
            "attachments",
            "framework_version__areas",
            Prefetch("statements__projects"),
        )
        .get(pk=pk)
    )
