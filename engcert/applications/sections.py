"""The sections of the application form, in the order the applicant fills them in."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    key: str
    title: Promise
    hint: Promise


SECTIONS: tuple[Section, ...] = (
    Section(
        "application",
        _("Grade and field"),
        _("The grade, professional field and nominating unit you apply with."),
    ),
    Section("personal", _("Personal data"), _("Who you are and how the society can reach you.")),
    Section("education", _("Education"), _("Your degrees, with the degree certificate.")),
    Section(
        "work", _("Work history"), _("Your employment as a timeline; years of practice are computed from it.")
    ),
    Section(
        "projects",
        _("Engineering projects"),
        _("Projects you worked on, each with a person who can confirm it."),
    ),
    Section(
        "competency",
        _("Competency statements"),
        _("One statement for each of the five competency areas, linked to your projects."),
    ),
    Section(
        "achievements",
        _("Titles and achievements"),
        _("Professional titles, qualifications, publications, patents and awards."),
    ),
    Section(
        "international",
        _("International titles"),
        _("IntPE, APEC Engineer, EUR ING and others; simplified assessment."),
    ),
    Section(
        "cpd",
        _("Continuing development"),
        _("Your professional development activities of the last three years."),
    ),
    Section("attachments", _("Attachments"), _("Supporting documents: PDF, JPEG or PNG.")),
    Section(
        "pledge", _("Integrity pledge"), _("Read the pledge, type your full name and give your consent.")
    ),
)
SECTION_KEYS = tuple(s.key for s in SECTIONS)
SECTION_BY_KEY = {s.key: s for s in SECTIONS}
