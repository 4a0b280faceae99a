"""The calls' part of a person's data: proposals they started and call subscriptions to their
address (their reviews and conflicts are the reviews app's part). Proposals and decisions are
records of the call and stay (pointing at the pseudonymised person); subscriptions are deleted."""

from __future__ import annotations

from typing import Any

from governance.calls.models import Proposal, Subscription


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
        "call_subscriptions": [
            {"call": s.call.title if s.call else None, "confirmed_at": s.confirmed_at}
            for s in Subscription.objects.filter(email__iexact=person.email).select_related("call")
        ],
    }


def erase(person) -> None:
    Subscription.objects.filter(email__iexact=person.email).delete()
