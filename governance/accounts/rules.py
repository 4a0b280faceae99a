"""Permission predicates for people and organisations, used by views, API and templates."""

import rules

from governance.accounts import selectors


@rules.predicate
def is_portal_staff(user) -> bool:
    return selectors.is_portal_staff(user)


@rules.predicate
def is_self(user, person) -> bool:
    return person is not None and user.pk == person.pk


rules.add_perm("accounts.view_audit", is_portal_staff)
rules.add_perm("accounts.manage_outbox", is_portal_staff)
rules.add_perm("accounts.decide_erasure", is_portal_staff)
rules.add_perm("accounts.view_person", is_portal_staff | is_self)
