"""What waits for a person: each app contributes sections from its own `dashboard.py`.

An app's `dashboard.sections(person, roles)` returns a list of `Section`s for the roles it
knows about; the dashboard page shows them in the order of INSTALLED_APPS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps


@dataclass
class Item:
    text: str
    url: str = ""
    note: str = ""


@dataclass
class Section:
    title: str
    role: str = ""
    items: list[Item] = field(default_factory=list)
    empty_text: str = ""
    links: list[Item] = field(default_factory=list)


def sections_for(person, roles: frozenset[str]) -> list[Section]:
    result: list[Section] = []
    for config in apps.get_app_configs():
        # governance.core.dashboard is this module, not a contribution.
        if not config.name.startswith("governance.") or config.name == __package__:
            continue
        try:
            module = import_module(f"{config.name}.dashboard")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.dashboard":
                raise
            continue
        result.extend(module.sections(person, roles))
    return result
