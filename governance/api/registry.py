"""Collects the API: each governance app may have an `api.py` with `register(router)`."""

from importlib import import_module

from django.apps import apps


def register_all(router) -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("governance.") or config.label == "api":
            continue
        try:
            module = import_module(f"{config.name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.api":
                raise
            continue
        module.register(router)
