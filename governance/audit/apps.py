from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "governance.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from governance.audit import receivers
        from governance.core import events

        events.demo_seeded.connect(receivers.on_demo_seeded, dispatch_uid="audit.demo_seeded")
