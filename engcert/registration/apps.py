from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "engcert.registration"
    verbose_name = _("Alliance verification and registration")
