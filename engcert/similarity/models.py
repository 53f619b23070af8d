"""The similarity index lives in the database, so every app server and worker shares it: each
compared text with its MinHash signature, its LSH band keys (one indexed lookup finds a new text's
candidates), the pairs found above the society's threshold, and each society's threshold."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from engcert.applications.models import Application
from engcert.batches.models import Batch
from engcert.organisations.models import Organisation
from engcert.similarity.enums import PairStatus, TextSource

DEFAULT_THRESHOLD = Decimal("0.50")


class SimilaritySettings(models.Model):
    society = models.OneToOneField(
        Organisation, verbose_name=_("society"), on_delete=models.CASCADE, related_name="similarity_settings"
    )
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=3,
        decimal_places=2,
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(Decimal("0.20")), MaxValueValidator(Decimal("0.95"))],
        help_text=_(
            "Two texts are flagged when this share of the shorter one's four-character runs "
            "also appears in the other (0.20 to 0.95)."
        ),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("similarity settings")
        verbose_name_plural = _("similarity settings")

    def __str__(self) -> str:
        return f"{self.society} {self.threshold}"


class IndexedText(models.Model):
    """One text as it was compared. Keyed by its source and content hash: indexing the same
    content again does nothing, a changed text replaces the row of its source. A replaced text
    that staff had reviewed in a pair stays, out of the index (``replaced_at``), with that pair."""

    society = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="indexed_texts")
    # Whose text it is: a person's own text in another application is not a copy.
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    id_number_index = models.CharField(max_length=64, blank=True)
    source = models.CharField(_("kind of text"), max_length=20, choices=TextSource.choices)
    source_id = models.PositiveBigIntegerField()
    label = models.CharField(_("section"), max_length=300)
    text = models.TextField(_("text"))
    content_hash = models.CharField(max_length=64)
    shingle_count = models.PositiveIntegerField()
    signature = models.BinaryField()
    indexed_at = models.DateTimeField(_("indexed"), auto_now_add=True)
    replaced_at = models.DateTimeField(_("replaced by a later version"), null=True, blank=True)

    class Meta:
        verbose_name = _("indexed text")
        verbose_name_plural = _("indexed texts")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id", "content_hash"],
                condition=models.Q(replaced_at__isnull=True),
                name="similarity_text_source_content",
            )
        ]
        indexes = [models.Index(fields=["source", "source_id"], name="similarity_text_source")]

    def __str__(self) -> str:
        return f"{self.source} {self.source_id}"


class BandKey(models.Model):
    """One LSH band of a text's signature: (band number, hash of the band's rows) folded into
    one 64-bit key. The (society, key, text) index answers a candidate lookup on its own."""

    text = models.ForeignKey(IndexedText, on_delete=models.CASCADE, related_name="band_keys")
    society = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    band = models.PositiveSmallIntegerField()
    key = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["society", "key", "text"], name="similarity_band_lookup")]

    def __str__(self) -> str:
        return f"{self.band}:{self.key}"


class SimilarPair(models.Model):
    """Two texts of different people whose similarity reached the society's threshold.
    `earlier` was in the index first; `later` is the text whose indexing found it."""

    society = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    earlier = models.ForeignKey(IndexedText, on_delete=models.CASCADE, related_name="+")
    later = models.ForeignKey(IndexedText, on_delete=models.CASCADE, related_name="+")
    jaccard = models.FloatField(_("Jaccard similarity"))
    containment = models.FloatField(_("containment"))
    score = models.FloatField(_("similarity"))
    found_at = models.DateTimeField(_("found"), auto_now_add=True)
    status = models.CharField(_("review"), max_length=20, choices=PairStatus.choices, default=PairStatus.OPEN)
    note = models.TextField(_("note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("similar pair")
        verbose_name_plural = _("similar pairs")
        ordering = ["-score", "pk"]
        constraints = [models.UniqueConstraint(fields=["earlier", "later"], name="similarity_pair_unique")]

    def __str__(self) -> str:
        return f"{self.earlier_id}~{self.later_id} {self.score:.2f}"
