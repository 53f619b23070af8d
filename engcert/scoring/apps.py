from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "engcert.scoring"
    label = "scoring"
    verbose_name = _("Score sheets")
