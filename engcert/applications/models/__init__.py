from engcert.applications.models.application import Application, PledgeSignature, PledgeText
from engcert.applications.models.sections import (
    Achievement,
    Attachment,
    CompetencyStatement,
    CpdRecord,
    Education,
    InternationalTitle,
    Project,
    WorkEntry,
)
from engcert.applications.models.snapshot import ApplicationSnapshot

__all__ = [
    "Achievement",
    "Application",
    "ApplicationSnapshot",
    "Attachment",
    "CompetencyStatement",
    "CpdRecord",
    "Education",
    "InternationalTitle",
    "PledgeSignature",
    "PledgeText",
    "Project",
    "WorkEntry",
]
