"""The header's areas: where a person works, and how much waits for them there.

Like the dashboard, each app contributes from its own `dashboard.py`: `areas(person, roles)`
returns the `Area`s the person works in, decided by the app's own rules and selectors, with the
number of things that wait for the person's action. The header lists the public areas, then
the dashboard, then these, in the order of INSTALLED_APPS; no role is tested in a template.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from governance.core.dashboard import dashboard_modules
from governance.core.directory import roles_of


@dataclass
class Area:
    """A link of the header. It is the current area on every page of its URL `namespace`, or,
    where areas share a namespace, on the pages named in `url_names`."""

    label: str
    url: str
    namespace: str
    waiting: int = 0
    url_names: tuple[str, ...] = ()
    current: bool = field(default=False, compare=False)

    def matches(self, namespace: str, url_name: str) -> int:
        """How closely the page belongs here: 2 by its name, 1 by its namespace, 0 not at all."""
        if namespace != self.namespace:
            return 0
        if self.url_names:
            return 2 if url_name in self.url_names else 0
        return 1


def areas_for(person, resolver_match=None) -> list[Area]:
    result = [
        Area(_("Catalogue"), reverse("catalogue:search"), "catalogue"),
        Area(_("Open calls"), reverse("calls:list"), "calls"),
    ]
    if person is not None and person.is_authenticated:
        result.append(
            Area(_("Dashboard"), reverse("core:dashboard"), "core", url_names=("dashboard",))
        )
        result.extend(_contributions(person, roles_of(person)))
    if resolver_match is not None:
        _mark_current(result, resolver_match.namespace, resolver_match.url_name or "")
    return result


def _contributions(person, roles: frozenset[str]) -> list[Area]:
    result: list[Area] = []
    for module in dashboard_modules():
        if hasattr(module, "areas"):
            result.extend(module.areas(person, roles))
    return result


def _mark_current(areas: list[Area], namespace: str, url_name: str) -> None:
    best = max(areas, key=lambda area: area.matches(namespace, url_name))
    if best.matches(namespace, url_name):
        best.current = True
