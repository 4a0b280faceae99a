"""Asking the portal's rules: `may(person, "calls.decide", proposal)`.

Every door (API permission class, pages, templates' allowed actions) asks a rule through `may`.
It asks the `rules` predicate itself, not `User.has_perm`: Django grants an active superuser
every permission without asking, and a person who is also the Django admin (the coordination
office's staff) would pass rules meant for a party (signing an agreement, withdrawing a
proposal) only to be refused later by the service, after the body was read. Staff powers are
written into the rules (`is_portal_staff`), so staff lose nothing by this.
"""

from __future__ import annotations

from functools import wraps

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from governance.core.transitions import StateMachine

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


def allowed_actions(person, obj, machine: StateMachine) -> list[str]:
    """What the person may do to `obj` now: the actions its machine allows from the object's
    state whose rule (the machine's `rules`) the person passes on it, in the table's order."""
    return [
        action
        for action in machine.allowed_actions(machine.state_of(obj))
        if action in machine.rules and may(person, machine.rules[action], obj)
    ]


def require(person, rule: str, obj=None) -> None:
    """The rule before the form or the body: refused, 403, and nothing of the input is read."""
    if not may(person, rule, obj):
        raise PermissionDenied(refusal(rule))


def require_or_404(person, rule: str, obj=None) -> None:
    """For pages that do not exist for those the rule refuses (staff's workspaces): 404."""
    if not may(person, rule, obj):
        raise Http404


def rule_required(rule: str):
    """A page for those the rule lets in: sign in first; for anyone else it does not exist (404).

    The rule is asked without an object (a workspace: the technical services, the people)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require_or_404(request.user, rule)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
