"""Who may read the outbox of emails and send one again: the coordination office (staff)."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy

from governance.accounts.selectors import is_portal_staff
from governance.core.permissions import explain

rules.add_perm("notifications.manage_outbox", rules.predicate(lambda user: is_portal_staff(user)))
explain(
    "notifications.manage_outbox", gettext_lazy("Only portal staff read and resend the outbox.")
)
