"""Onboarding of an accepted proposal: its checklist, the evidence, staff review."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.accounts.selectors import is_portal_staff
from governance.audit.services import record
from governance.calls.defaults import ONBOARDING_CHECKLISTS
from governance.calls.models import (
    ONBOARDING_ITEM_MACHINE,
    PROPOSAL_MACHINE,
    OnboardingItem,
    Proposal,
)
from governance.calls.services.proposals import _check_applicant, _locked, _store_attachment
from governance.core.errors import (
    Invalid,
    InvalidTransition,
    NotPermitted,
)


def _create_checklist(proposal: Proposal) -> None:
    for position, spec in enumerate(ONBOARDING_CHECKLISTS[proposal.track.kind]):
        OnboardingItem.objects.get_or_create(
            proposal=proposal,
            key=spec["key"],
            defaults={
                "position": position,
                "label": spec["label"],
                "help_text": spec.get("help_text", ""),
                "required": spec.get("required", True),
                "needs_evidence": spec.get("needs_evidence", False),
            },
        )


@transaction.atomic
def onboarding_submit(*, actor, item: OnboardingItem, statement: str, upload=None):
    item = OnboardingItem.objects.select_for_update().get(pk=item.pk)
    proposal = _locked(item.proposal)
    _check_applicant(actor, proposal)
    if proposal.state not in (Proposal.State.ACCEPTED, Proposal.State.ONBOARDING):
        raise InvalidTransition(_("Onboarding is open to accepted proposals only."))
    target = ONBOARDING_ITEM_MACHINE.target(item.state, "submit")
    if item.needs_evidence and upload is None and not item.attachments.exists():
        raise Invalid({"evidence": _("Upload the evidence for “%(i)s”.") % {"i": item.label}})
    if not statement.strip() and upload is None:
        raise Invalid({"statement": _("Confirm the item in a sentence or upload evidence.")})
    if upload is not None:
        _store_attachment(
            actor=actor,
            proposal=proposal,
            upload=upload,
            onboarding_item=item,
            allowed=["pdf", "png", "jpeg", "docx", "xlsx"],
        )
    item.state = target
    item.statement = statement.strip()
    item.submitted_at = timezone.now()
    item.save(update_fields=["state", "statement", "submitted_at"])
    if proposal.state == Proposal.State.ACCEPTED:
        proposal.state = PROPOSAL_MACHINE.target(proposal.state, "start_onboarding")
        proposal.save(update_fields=["state", "updated_at"])
    record(
        actor=actor,
        action="calls.onboarding_item_submitted",
        obj=item,
        after={"proposal": proposal.pk, "key": item.key},
    )
    return item


@transaction.atomic
def onboarding_review(*, actor, item: OnboardingItem, approve: bool, note: str = ""):
    if not is_portal_staff(actor):
        raise NotPermitted(_("Portal staff review onboarding evidence."))
    item = OnboardingItem.objects.select_for_update().get(pk=item.pk)
    if not approve and not note.strip():
        raise Invalid({"note": _("Say what the beneficiary must change.")})
    item.state = ONBOARDING_ITEM_MACHINE.target(item.state, "approve" if approve else "return")
    item.review_note = note.strip()
    item.reviewed_by = actor
    item.reviewed_at = timezone.now()
    item.save(update_fields=["state", "review_note", "reviewed_by", "reviewed_at"])
    record(
        actor=actor,
        action="calls.onboarding_item_reviewed",
        obj=item,
        after={"state": item.state},
    )
    proposal = _locked(item.proposal)
    remaining = proposal.onboarding_items.filter(required=True).exclude(
        state=OnboardingItem.State.APPROVED
    )
    if proposal.state == Proposal.State.ONBOARDING and not remaining.exists():
        proposal.state = PROPOSAL_MACHINE.target(proposal.state, "complete_onboarding")
        proposal.save(update_fields=["state", "updated_at"])
        record(
            actor=actor,
            action="calls.proposal_onboarded",
            obj=proposal,
            before={"state": "onboarding"},
            after={"state": proposal.state},
        )
    return item
