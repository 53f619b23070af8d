from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "engcert.notices"
    verbose_name = _("Public notice")
