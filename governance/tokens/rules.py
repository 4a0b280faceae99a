"""Who may do what with technical services and their tokens; used by the pages and the API.

Portal staff register technical services, change and rotate their secrets, switch them on and
off and read their statistics and webhook deliveries. A person sees, withdraws and revokes only
the authorisations they gave and the tokens issued to act for them, staff included.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy

from governance.accounts.selectors import is_portal_staff
from governance.core.permissions import explain


@rules.predicate
def is_staff(user) -> bool:
    return is_portal_staff(user)


@rules.predicate
def acts_for_them(user, obj) -> bool:
    """The authorisation was given, or the token issued, by this person."""
    return obj is not None and user.is_authenticated and obj.person_id == user.pk


rules.add_perm("tokens.manage_services", is_staff)
rules.add_perm("tokens.withdraw_authorisation", acts_for_them)
rules.add_perm("tokens.revoke_token", acts_for_them)

explain("tokens.manage_services", gettext_lazy("Only portal staff may manage technical services."))
