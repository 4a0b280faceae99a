"""Collects the API: each governance app may have an `api.py` with `register(router)`."""

from governance.core.discovery import app_modules


def register_all(router) -> None:
    for _config, module in app_modules("api", exclude=("api",)):
        module.register(router)
