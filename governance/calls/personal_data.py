"""The calls' part of a person's data: proposals they started, their reviews and declared
conflicts, and call subscriptions to their address. Proposals, reviews and decisions are records
of the call and stay (pointing at the pseudonymised person); subscriptions are deleted."""

from __future__ import annotations

from typing import Any

from governance.calls.models import ConflictOfInterest, Proposal, Review, Subscription


def export(person) -> dict[str, Any]:
    return {
        "proposals_started": [
            {
                "id": p.pk,
                "call": p.call.title,
                "title": p.title,
                "state": p.state,
                "created_at": p.created_at,
            }
            for p in Proposal.objects.filter(created_by=person).select_related("call")
        ],
        "reviews": [
            {
                "proposal": r.proposal_id,
                "state": r.state,
                "weighted_total": str(r.weighted_total) if r.weighted_total is not None else None,
                "comment": r.comment,
                "scores": [
                    {"criterion": s.criterion.name, "value": s.value} for s in r.scores.all()
                ],
            }
            for r in Review.objects.filter(evaluator=person).prefetch_related("scores__criterion")
        ],
        "conflicts_declared": [
            {
                "organisation": c.organisation.name if c.organisation else None,
                "proposal": c.proposal_id,
                "reason": c.reason,
                "declared_at": c.declared_at,
            }
            for c in ConflictOfInterest.objects.filter(evaluator=person).select_related(
                "organisation"
            )
        ],
        "call_subscriptions": [
            {"call": s.call.title if s.call else None, "confirmed_at": s.confirmed_at}
            for s in Subscription.objects.filter(email__iexact=person.email).select_related("call")
        ],
    }


def erase(person) -> None:
    Subscription.objects.filter(email__iexact=person.email).delete()
