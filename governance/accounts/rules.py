"""Permission predicates for people and organisations, used by views, API and templates."""

import rules
from django.utils.translation import gettext_lazy

from governance.accounts import selectors
from governance.core.permissions import explain


@rules.predicate
def is_portal_staff(user) -> bool:
    return selectors.is_portal_staff(user)


@rules.predicate
def is_self(user, person) -> bool:
    return person is not None and user.pk == person.pk


@rules.predicate
def owns_object(user, obj) -> bool:
    """For objects with a `person` (API tokens, erasure requests, memberships)."""
    return obj is not None and getattr(obj, "person_id", None) == user.pk


rules.add_perm("accounts.decide_erasure", is_portal_staff)
rules.add_perm("accounts.view_person", is_portal_staff | is_self)
rules.add_perm("accounts.change_person", is_self)
rules.add_perm("accounts.list_people", is_portal_staff)
rules.add_perm("accounts.view_organisation", rules.is_authenticated)
rules.add_perm("accounts.manage_organisations", is_portal_staff)
rules.add_perm("accounts.manage_memberships", is_portal_staff)
rules.add_perm("accounts.view_membership", is_portal_staff | owns_object)
rules.add_perm("accounts.revoke_api_token", owns_object)
rules.add_perm("accounts.view_erasure_request", is_portal_staff | owns_object)

# A person's name is theirs to change (staff correct it only on the person's erasure or
# rectification request, through the admin, on the record).
explain("accounts.change_person", gettext_lazy("You can only change your own name."))
