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

__all__ = [
    "Achievement",
    "Application",
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
