from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "engcert.privacy"
    label = "privacy"
    verbose_name = _("Personal data protection")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the setting_changed receiver that forgets cached keys.
        from engcert.privacy import crypto  # noqa: F401
