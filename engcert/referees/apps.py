from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RefereesConfig(AppConfig):
    name = "engcert.referees"
    verbose_name = _("Referees")

    def ready(self) -> None:
        from engcert.outbox.domain import outbox_refusal_handler_register
        from engcert.referees.domain.requests import REFUSAL_KIND, referee_request_refused

        # A referee's address refused by the mail server marks the request undeliverable.
        outbox_refusal_handler_register(kind=REFUSAL_KIND, handler=referee_request_refused)
