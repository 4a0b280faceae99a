"""Decisions: staged → reviewed → released (together), and the letter each applicant gets."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit.services import record
from governance.calls import rules, selectors
from governance.calls.models import (
    DECISION_MACHINE,
    PROPOSAL_MACHINE,
    Call,
    Decision,
    Proposal,
)
from governance.calls.services.calls import _url
from governance.calls.services.onboarding import _create_checklist
from governance.calls.services.proposals import _locked
from governance.core.errors import (
    ConcurrentChange,
    Invalid,
    InvalidTransition,
    NotPermitted,
)
from governance.notifications.services import send_email

# A decision was released (sent inside the releasing transaction, with `decision`). The calls
# tasks module listens and sends the decision letter once the release commits.
decision_released = Signal()

OUTCOME_ACTION = {"accept": "accept", "reject": "reject", "waitlist": "waitlist"}


def _check_chair(actor, call: Call) -> None:
    if not rules.may_chair(actor, call):
        raise NotPermitted(_("Only the call's chairs may decide on its proposals."))


@transaction.atomic
def decision_stage(*, actor, proposal: Proposal, outcome: str, reason: str) -> Decision:
    """Stage a decision. Of two chairs deciding at once, the second is told (409)."""
    proposal = _locked(proposal)
    _check_chair(actor, proposal.call)
    if outcome not in OUTCOME_ACTION:
        raise Invalid({"outcome": _("Choose accept, reject or waitlist.")})
    if not reason.strip():
        raise Invalid({"reason": _("Give the applicant a reason.")})
    # The state machine decides whether this outcome is possible from here.
    PROPOSAL_MACHINE.target(proposal.state, OUTCOME_ACTION[outcome])
    pending = proposal.decisions.filter(
        stage__in=[Decision.Stage.STAGED, Decision.Stage.REVIEWED]
    ).first()
    if pending is not None:
        raise ConcurrentChange(
            _(
                "%(who)s already staged “%(outcome)s” for this proposal. Reload the page; "
                "discard that decision first if you disagree."
            )
            % {"who": pending.decided_by, "outcome": pending.get_outcome_display()}
        )
    decision = Decision.objects.create(
        proposal=proposal, outcome=outcome, reason=reason.strip(), decided_by=actor
    )
    record(
        actor=actor,
        action="calls.decision_staged",
        obj=decision,
        after={"proposal": proposal.pk, "outcome": outcome},
    )
    return decision


def _locked_decision(decision: Decision) -> Decision:
    return (
        Decision.objects.select_for_update()
        .select_related("proposal", "proposal__call")
        .get(pk=decision.pk)
    )


@transaction.atomic
def decision_review(*, actor, decision: Decision) -> Decision:
    decision = _locked_decision(decision)
    _check_chair(actor, decision.proposal.call)
    decision.stage = DECISION_MACHINE.target(decision.stage, "review")
    decision.reviewed_by = actor
    decision.reviewed_at = timezone.now()
    decision.save(update_fields=["stage", "reviewed_by", "reviewed_at"])
    record(actor=actor, action="calls.decision_reviewed", obj=decision, after={"stage": "reviewed"})
    return decision


@transaction.atomic
def decision_discard(*, actor, decision: Decision) -> Decision:
    decision = _locked_decision(decision)
    _check_chair(actor, decision.proposal.call)
    before = decision.stage
    decision.stage = DECISION_MACHINE.target(decision.stage, "discard")
    decision.save(update_fields=["stage"])
    record(
        actor=actor,
        action="calls.decision_discarded",
        obj=decision,
        before={"stage": before},
        after={"stage": decision.stage},
    )
    return decision


@transaction.atomic
def decisions_release(*, actor, call: Call) -> list[Decision]:
    """Release every reviewed decision of the call together; each applicant gets a letter."""
    _check_chair(actor, call)
    decisions = list(selectors.decisions_to_release(call).select_for_update(of=("self",)))
    if not decisions:
        raise InvalidTransition(
            _("No reviewed decision is waiting. Stage decisions and review them first.")
        )
    now = timezone.now()
    for decision in decisions:
        proposal = _locked(decision.proposal)
        before = proposal.state
        proposal.state = PROPOSAL_MACHINE.target(proposal.state, OUTCOME_ACTION[decision.outcome])
        proposal.save(update_fields=["state", "updated_at"])
        decision.stage = DECISION_MACHINE.target(decision.stage, "release")
        decision.released_at = now
        decision.proposal = proposal
        decision.save(update_fields=["stage", "released_at"])
        if proposal.state == Proposal.State.ACCEPTED:
            _create_checklist(proposal)
        record(
            actor=actor,
            action="calls.decision_released",
            obj=proposal,
            before={"state": before},
            after={"state": proposal.state, "decision": decision.pk},
        )
        decision_released.send(sender=Decision, decision=decision)
    return decisions


def send_decision_letter(*, decision_id: int) -> None:
    """Render and store the letter, then email each applicant of the organisation."""
    from governance.calls.letters import letter_of

    decision = Decision.objects.select_related(
        "proposal", "proposal__call", "proposal__organisation"
    ).get(pk=decision_id)
    letter_of(decision)
    proposal = decision.proposal
    recipients = [person.email for person in selectors.letter_recipients(proposal)]
    with transaction.atomic():
        for email in recipients:
            send_email(
                to=email,
                template="calls/decision_released",
                context={
                    "proposal": proposal,
                    "decision": decision,
                    "url": _url("calls:proposal", proposal.pk),
                    "letter_url": _url("calls:decision_letter", proposal.pk),
                },
            )
