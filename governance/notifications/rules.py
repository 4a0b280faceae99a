"""Who may read the outbox of emails and send one again: the coordination office (staff)."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy

from governance.accounts.selectors import is_portal_staff
from governance.core.permissions import explain

is_staff = rules.predicate(lambda user: is_portal_staff(user))


@rules.predicate
def body_kept(user, email) -> bool:
    """A sensitive email's text is removed once delivered: there is nothing left to resend."""
    return email is not None and not email.body_withheld


rules.add_perm("notifications.manage_outbox", is_staff)
# Offered on the email's page (EMAIL_STATES' resend); the service says why when refused.
rules.add_perm("notifications.resend", is_staff & body_kept)
explain(
    "notifications.manage_outbox", gettext_lazy("Only portal staff read and resend the outbox.")
)
