"""Writes for data-use agreements and grants (SPEC section 4 "Agreement", "Grant"), one module
per use case.

Each service runs in one transaction, locks what it changes, moves state only through
AGREEMENT_MACHINE / GRANT_MACHINE and appends an audit event in the same transaction. A grant
that stops being usable is announced with `grant_ended` inside that transaction, so the token
service's receivers commit or roll back with it. `drafting` drafts agreements from approved
items, `signing` renders, signs and brings them into force, `ending` ends agreements and grants,
`amendments` makes new versions; callers import from this package. A drafted agreement's PDF is
rendered after commit by the tasks module, which listens to `agreement_drafted` (services never
import tasks).
"""

from governance.agreements.services.amendments import agreement_amend
from governance.agreements.services.drafting import agreement_draft_for, agreement_drafted
from governance.agreements.services.ending import (
    agreement_terminate,
    expire_due,
    grant_revoke,
    remind_renewals,
)
from governance.agreements.services.signing import (
    WrongCredentials,
    agreement_document,
    agreement_sign,
    can_sign,
)

__all__ = [
    "WrongCredentials",
    "agreement_amend",
    "agreement_document",
    "agreement_draft_for",
    "agreement_drafted",
    "agreement_sign",
    "agreement_terminate",
    "can_sign",
    "expire_due",
    "grant_revoke",
    "remind_renewals",
]
