"""Writes for committees and access requests, one module per use case.

Each service checks permission, runs in one transaction, changes a request's state only through
REQUEST_MACHINE (with the request row locked) and appends an audit event in the same
transaction. Emails are queued in the outbox and go out after commit. `committees` sets up
committees and their members, `requests` drafts requests, `review` carries them from
submission to decision, `reminders` nudges committees; callers import from this package.
"""

from governance.access.services.committees import (
    COMMITTEE_FIELDS,
    committee_create,
    committee_member_add,
    committee_member_remove,
    committee_update,
    conflict_declare,
)
from governance.access.services.reminders import remind_committees
from governance.access.services.requests import (
    EDITABLE_STATES,
    ETHICS_MAX_BYTES,
    REQUEST_FIELDS,
    check_ethics_file,
    request_create,
    request_problems,
    request_update,
    researcher_organisations,
)
from governance.access.services.review import (
    comment_add,
    item_decide,
    request_return,
    request_submit,
    request_withdraw,
    snapshot,
    vote_cast,
)

__all__ = [
    "COMMITTEE_FIELDS",
    "EDITABLE_STATES",
    "ETHICS_MAX_BYTES",
    "REQUEST_FIELDS",
    "check_ethics_file",
    "comment_add",
    "committee_create",
    "committee_member_add",
    "committee_member_remove",
    "committee_update",
    "conflict_declare",
    "item_decide",
    "remind_committees",
    "request_create",
    "request_problems",
    "request_return",
    "request_submit",
    "request_update",
    "request_withdraw",
    "researcher_organisations",
    "snapshot",
    "vote_cast",
]
