from django.apps import AppConfig, apps
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(*, using: str = "default", **kwargs) -> None:
    # The database cache holds rate limits and used sign-in codes: without its table, sign-in
    # answers 500. `createcachetable` makes only what is missing and does nothing for Redis.
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "governance.core"
    label = "core"
    verbose_name = _("Portal core")

    def ready(self) -> None:
        # post_migrate is sent once per app that has models (core has none): listening to one
        # such app that is always installed runs it once per migrate.
        post_migrate.connect(
            create_cache_table,
            sender=apps.get_app_config("contenttypes"),
            dispatch_uid="core.create_cache_table",
        )
