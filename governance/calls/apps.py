from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "governance.calls"
    label = "calls"
    verbose_name = _("Open calls")

    def ready(self) -> None:
        from governance.calls import tasks  # noqa: F401  (connects the receivers that enqueue)
