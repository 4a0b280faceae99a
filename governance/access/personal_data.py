"""The access context's part of a person's data export and erasure.

Submitted requests, votes, comments and decisions are records of decisions on data access and
stay (pointing at the pseudonymised person); drafts nobody else has seen are deleted, and the
person leaves every committee.
"""

from __future__ import annotations

from typing import Any

from governance.access.models import (
    AccessRequest,
    CommitteeConflict,
    CommitteeMember,
    RequestComment,
    Vote,
)


def _when(value) -> str | None:
    return value.isoformat() if value else None


def export(person) -> dict[str, Any]:
    return {
        "access_requests": [
            {
                "id": request.pk,
                "state": request.state,
                "version": request.version,
                "organisation": request.organisation.name,
                "title": request.title,
                "lay_summary": request.lay_summary,
                "scientific_abstract": request.scientific_abstract,
                "purpose": request.purpose_id,
                "team": request.team,
                "starts_on": _when(request.starts_on),
                "ends_on": _when(request.ends_on),
                "public_register_consent": request.public_register_consent,
                "has_ethics_approval": bool(request.ethics_approval),
                "created_at": _when(request.created_at),
                "submitted_at": _when(request.submitted_at),
                "decided_at": _when(request.decided_at),
                "datasets": [
                    {
                        "dataset": item.dataset.persistent_url,
                        "access_condition": item.access_condition_id,
                        "outcome": item.outcome,
                    }
                    for item in request.items.all()
                ],
            }
            for request in AccessRequest.objects.filter(researcher=person)
            .select_related("organisation")
            .prefetch_related("items__dataset")
        ],
        "committee_seats": [
            {"committee": seat.committee.name, "is_chair": seat.is_chair}
            for seat in CommitteeMember.objects.filter(person=person).select_related("committee")
        ],
        "declared_conflicts": [
            {"organisation": conflict.organisation.name, "reason": conflict.reason}
            for conflict in CommitteeConflict.objects.filter(person=person).select_related(
                "organisation"
            )
        ],
        "votes": [
            {"request": vote.item.request_id, "choice": vote.choice, "reason": vote.reason}
            for vote in Vote.objects.filter(voter=person).select_related("item")
        ],
        "comments": [
            {"request": comment.request_id, "body": comment.body, "at": _when(comment.created_at)}
            for comment in RequestComment.objects.filter(author=person)
        ],
    }


def erase(person) -> None:
    for draft in AccessRequest.objects.filter(researcher=person, state=AccessRequest.State.DRAFT):
        if draft.ethics_approval:
            draft.ethics_approval.delete(save=False)
        draft.delete()
    CommitteeMember.objects.filter(person=person).delete()
