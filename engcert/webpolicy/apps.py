from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebPolicyConfig(AppConfig):
    name = "engcert.webpolicy"
    verbose_name = _("Browser security policy")
