"""One way to find what each governance app contributes: its `api`, `demo`, `dashboard`, ... module.

An app contributes by having a module of that name; a module that exists but fails to import is
an error (raised), not a missing contribution.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from django.apps import AppConfig, apps


def app_modules(name: str, *, exclude: tuple[str, ...] = ()) -> list[tuple[AppConfig, ModuleType]]:
    """(app config, module) for every governance app with a module `name`, in INSTALLED_APPS
    order; `exclude` lists app labels to leave out."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("governance.") or config.label in exclude:
            continue
        module_name = f"{config.name}.{name}"
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        found.append((config, module))
    return found
