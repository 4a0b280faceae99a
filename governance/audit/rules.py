"""Who may read and verify the audit trail: the coordination office (portal staff).

Everyone else reads what the trail says about them through their data export (accounts)."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy

from governance.accounts.selectors import is_portal_staff
from governance.core.permissions import explain

rules.add_perm("audit.view_trail", rules.predicate(lambda user: is_portal_staff(user)))
explain("audit.view_trail", gettext_lazy("Only portal staff read the audit trail."))
