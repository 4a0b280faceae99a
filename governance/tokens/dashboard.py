"""Dashboard: the services acting for a researcher; the token service for staff."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from governance.accounts.roles import Role
from governance.core.dashboard import Item, Section
from governance.core.navigation import Area
from governance.tokens import selectors


def sections(person, roles: frozenset[str]) -> list[Section]:
    result = []
    if Role.RESEARCHER in roles:
        result.append(
            Section(
                title=_("Services acting for you"),
                role=Role.RESEARCHER,
                items=[
                    Item(text=authorization.client.name, url=reverse("tokens:mine"))
                    for authorization in selectors.authorizations_of(person)
                ],
                empty_text=_("No technical service acts for you."),
                links=[Item(text=_("Your services and tokens"), url=reverse("tokens:mine"))],
            )
        )
    if Role.STAFF in roles:
        result.append(
            Section(
                title=_("Token service"),
                role=Role.STAFF,
                links=[
                    Item(text=_("Technical services"), url=reverse("tokens:clients")),
                    Item(text=_("Webhook delivery log"), url=reverse("tokens:deliveries")),
                ],
            )
        )
    return result


def areas(person, roles: frozenset[str]) -> list[Area]:
    if Role.STAFF in roles:
        return [Area(_("Technical services"), reverse("tokens:clients"), "tokens")]
    if Role.RESEARCHER in roles:
        return [Area(_("Services"), reverse("tokens:mine"), "tokens")]
    return []
