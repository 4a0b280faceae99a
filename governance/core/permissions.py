"""Asking the portal's rules: `may(person, "calls.decide", proposal)`.

Every door (API permission class, pages, templates' allowed actions) asks a rule through `may`.
It asks the `rules` predicate itself, not `User.has_perm`: Django grants an active superuser
every permission without asking, and a person who is also the Django admin (the coordination
office's staff) would pass rules meant for a party (signing an agreement, withdrawing a
proposal) only to be refused later by the service, after the body was read. Staff powers are
written into the rules (`is_portal_staff`), so staff lose nothing by this.
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

REFUSED = _("You may not do this.")
# What a person refused by a rule is told (the rules modules say it beside the rule).
_REFUSALS: dict[str, str] = {}


def explain(rule: str, message) -> None:
    """Register what a person refused by `rule` reads, in pages and in the API's 403."""
    _REFUSALS[rule] = message


def refusal(rule: str) -> str:
    return str(_REFUSALS.get(rule, REFUSED))


def may(person, rule: str, obj=None) -> bool:
    if person is None or (person.is_authenticated and not person.is_active):
        return False  # a visitor is asked the rule (results may be public); a closed account not
    return rules.has_perm(rule, person, obj)


def require(person, rule: str, obj=None) -> None:
    """The rule before the form or the body: refused, 403, and nothing of the input is read."""
    if not may(person, rule, obj):
        raise PermissionDenied(refusal(rule))
