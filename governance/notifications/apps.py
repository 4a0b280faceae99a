from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "governance.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from governance.notifications import tasks  # noqa: F401  (connects the delivery receiver)
