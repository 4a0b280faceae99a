"""The reviews' part of a person's data: the reviews they wrote, with their scores, and the
conflicts of interest they declared. Both are records of the call's evaluation and stay (pointing
at the pseudonymised person)."""

from __future__ import annotations

from typing import Any

from governance.reviews.models import ConflictOfInterest, Review


def export(person) -> dict[str, Any]:
    return {
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
    }


def erase(person) -> None:
    """Nothing to delete: the records stay with the pseudonymised person."""
