from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExaminersConfig(AppConfig):
    name = "engcert.examiners"
    label = "examiners"
    verbose_name = _("Examiners and interviews")
