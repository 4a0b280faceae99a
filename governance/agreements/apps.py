from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "governance.agreements"
    label = "agreements"
    verbose_name = _("Data-use agreements and grants")

    def ready(self) -> None:
        from governance.agreements import receivers, tasks  # noqa: F401  (connect the receivers)
