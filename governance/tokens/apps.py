from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TokensConfig(AppConfig):
    name = "governance.tokens"
    label = "tokens"
    verbose_name = _("Token service")

    def ready(self) -> None:
        from governance.core import events
        from governance.tokens import receivers, tasks  # noqa: F401  (tasks: its receiver)

        events.grant_ended.connect(receivers.on_grant_ended, dispatch_uid="tokens.grant_ended")
        events.dataset_consent_changed.connect(
            receivers.on_dataset_consent_changed, dispatch_uid="tokens.consent_changed"
        )
