from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "governance.accounts"
    label = "accounts"
    verbose_name = _("People and organisations")

    def ready(self) -> None:
        from governance.accounts import selectors
        from governance.core import directory

        directory.provide(roles_of=selectors.roles_of, memberships_of=selectors.memberships_of)
