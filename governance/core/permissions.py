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


def may(person, rule: str, obj=None) -> bool:
    if person is None or not person.is_active:
        return False
    return rules.has_perm(rule, person, obj)
