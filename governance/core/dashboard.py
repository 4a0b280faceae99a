"""What waits for a person: each app contributes sections from its own `dashboard.py`.

An app's `dashboard.sections(person, roles)` returns a list of `Section`s for the roles it
knows about; the dashboard page shows them in the order of INSTALLED_APPS.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from governance.core.discovery import app_modules


@dataclass
class Item:
    """A line of a section. With `people`, its text is people's own words (a title), shown as
    they wrote them, in whatever language: the page marks it so."""

    text: str
    url: str = ""
    note: str = ""
    people: bool = False


@dataclass
class Section:
    """A block of the dashboard. `items` are what waits; `empty_text` is shown only without them.

    A section with an `intro` opens a role's part of the page (what the role does); its
    `empty_text` is shown only when no section of the same `roles` has anything waiting either,
    so that the page never says "nothing waits" above a list of what waits.
    """

    title: str
    role: str = ""
    items: list[Item] = field(default_factory=list)
    empty_text: str = ""
    links: list[Item] = field(default_factory=list)
    intro: str = ""
    roles: tuple[str, ...] = ()

    def waits(self) -> bool:
        return bool(self.items)


def sections_for(person, roles: frozenset[str]) -> list[Section]:
    result = _contributions(person, roles)
    for section in result:
        if section.intro and not section.items and _anything_waits(section, result):
            section.empty_text = ""
    return result


def dashboard_modules() -> list:
    """The `dashboard` modules of the portal's apps, in INSTALLED_APPS order (not this one)."""
    # governance.core.dashboard is this module, not a contribution.
    return [module for _config, module in app_modules("dashboard", exclude=("core",))]


def _contributions(person, roles: frozenset[str]) -> list[Section]:
    result: list[Section] = []
    for module in dashboard_modules():
        result.extend(module.sections(person, roles))
    return result


def _anything_waits(intro: Section, sections: list[Section]) -> bool:
    covered = set(intro.roles) or {intro.role}
    return any(s.waits() for s in sections if s is not intro and s.role in covered)
