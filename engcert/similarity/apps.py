from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SimilarityConfig(AppConfig):
    name = "engcert.similarity"
    verbose_name = _("Similar statements")
