"""Writes for calls and proposals, one module per use case.

One atomic function per action, each checking permission, changing state through its transition
table and recording an audit event in the same transaction. Emails are queued in the outbox and
letters follow after commit (`decision_released`, which the tasks module listens to: services
never import tasks). `calls` sets up a call, `proposals` carries a proposal from draft to
submission, `decisions` stages and releases decisions, `onboarding` follows accepted proposals,
`subscriptions` tells subscribers about calls; callers import from this package.
"""

from governance.calls.answers import InvalidAnswer
from governance.calls.services.calls import (
    CALL_FIELDS,
    _configure,
    call_create,
    call_translations_save,
    call_update,
    configuration_of,
)
from governance.calls.services.decisions import (
    OUTCOME_ACTION,
    decision_discard,
    decision_released,
    decision_review,
    decision_stage,
    decisions_release,
    send_decision_letter,
)
from governance.calls.services.onboarding import onboarding_review, onboarding_submit
from governance.calls.services.proposals import (
    proposal_create,
    proposal_save,
    proposal_submit,
    proposal_withdraw,
    start_review,
    submission_problems,
)
from governance.calls.services.subscriptions import (
    DEADLINE_NOTICE_DAYS,
    announce_calls,
    subscribe,
    subscription_confirm,
    unsubscribe,
)

__all__ = [
    "CALL_FIELDS",
    "DEADLINE_NOTICE_DAYS",
    "OUTCOME_ACTION",
    "InvalidAnswer",
    "_configure",
    "announce_calls",
    "call_create",
    "call_translations_save",
    "call_update",
    "configuration_of",
    "decision_discard",
    "decision_released",
    "decision_review",
    "decision_stage",
    "decisions_release",
    "onboarding_review",
    "onboarding_submit",
    "proposal_create",
    "proposal_save",
    "proposal_submit",
    "proposal_withdraw",
    "send_decision_letter",
    "start_review",
    "submission_problems",
    "subscribe",
    "subscription_confirm",
    "unsubscribe",
]
