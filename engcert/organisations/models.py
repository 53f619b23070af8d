"""The alliance, the societies it authorises, their member units, and who holds which role."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from engcert.organisations.enums import OrganisationKind, Role


def in_reader_language(chinese: str, english: str) -> str:
    """The English text for a reader of the English interface when there is one; else Chinese."""
    language = get_language() or "zh-hans"
    return english if language.startswith("en") and english else chinese


class BilingualName(models.Model):
    """Chinese name first; an English name for the English interface."""

    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return in_reader_language(self.name, self.name_en)


class EngineeringField(BilingualName):
    """A discipline the alliance may authorise a society for (e.g. electrical engineering)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("engineering field")
        verbose_name_plural = _("engineering fields")


class Organisation(BilingualName):
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    society = models.ForeignKey(
        "self",
        verbose_name=_("society"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        limit_choices_to={"kind": OrganisationKind.SOCIETY},
        help_text=_("For a unit: the society it is a member unit of."),
    )
    authorised_fields = models.ManyToManyField(
        EngineeringField,
        verbose_name=_("authorised engineering fields"),
        blank=True,
        related_name="societies",
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    head_name = models.CharField(_("name of the head"), max_length=100, blank=True)
    head_title = models.CharField(_("title of the head"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind=OrganisationKind.UNIT) | models.Q(society__isnull=False),
                name="unit_belongs_to_society",
            )
        ]

    def clean(self) -> None:
        if self.kind == OrganisationKind.UNIT and self.society_id is None:
            raise ValidationError({"society": _("A unit must belong to a society.")})
        if self.kind != OrganisationKind.UNIT and self.society_id is not None:
            raise ValidationError({"society": _("Only a unit belongs to a society.")})


class Discipline(BilingualName):
    """The society's professional scope (附件2): a two-level tree."""

    society = models.ForeignKey(
        Organisation,
        verbose_name=_("society"),
        on_delete=models.CASCADE,
        related_name="disciplines",
        limit_choices_to={"kind": OrganisationKind.SOCIETY},
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=40)
    position = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["society", "position", "code"]
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")
        constraints = [models.UniqueConstraint(fields=["society", "code"], name="discipline_code_unique")]

    def clean(self) -> None:
        if self.parent is not None:
            if self.parent.parent_id is not None:
                raise ValidationError({"parent": _("The scope has two levels only.")})
            if self.parent.society_id != self.society_id:
                raise ValidationError({"parent": _("The parent belongs to another society.")})

    @property
    def path_name(self) -> str:
        if self.parent is not None:
            return f"{self.parent.display_name} / {self.display_name}"
        return self.display_name


class Membership(models.Model):
    """A role a user holds in an organisation; one person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"
