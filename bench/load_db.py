"""The load run's side in the server's database (bench/load.py runs it with the server's
environment and reads the JSON it prints).

`setup`: give each simulated person a personal API token (and the TOTP their role requires),
open a call to apply to, and list the writes each kind may make once: draft reviews to score,
committee items to vote on. `verify` (the writes the load made, as JSON on stdin): check that
every write is in the database exactly once, nothing lost and nothing duplicated.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # published: the benchmark's synthetic committee members


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    result = verify(json.load(sys.stdin)) if sys.argv[1:] == ["verify"] else setup()
    print(json.dumps(result))
    return 0


def setup() -> dict:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.db import transaction
    from django.utils import timezone

    from governance.access.models import RequestedDataset
    from governance.accounts.models import Membership
    from governance.accounts.roles import ProviderType
    from governance.accounts.services import api_token_create
    from governance.calls.models import Call
    from governance.calls.services import _configure
    from governance.reviews.models import Review

    def token(person) -> str:
        return api_token_create(person=person, name="load generator", days=1)[1]

    now = timezone.now()
    with transaction.atomic():
        call = Call.objects.create(
            title=f"Load call {now:%Y%m%d%H%M%S}",
            summary="The call the load generator's applicants apply to.",
            opens_at=now - datetime.timedelta(days=1),
            deadline=now + datetime.timedelta(days=7),
            is_published=True,
        )
        _configure(
            call,
            {
                "tracks": [
                    {
                        "kind": "data_holder",
                        "provider_types": list(ProviderType.values),
                        "questions": [
                            {"key": "summary", "label": "Summary", "kind": "text"},
                        ],
                    }
                ],
                "criteria": [{"name": "Excellence", "weight": 1}],
            },
        )
        track = call.tracks.get()
        applicants = [
            {"token": token(m.person), "organisation": m.organisation_id}
            for m in Membership.objects.filter(
                role="applicant", person__email__endswith="@scale.example"
            ).select_related("person")[:20]
        ]
        drafts = Review.objects.filter(
            state="draft",
            proposal__state="under_review",
            evaluator__email__endswith="@scale.example",
        ).select_related("evaluator", "proposal__call")
        evaluators: dict[int, dict] = {}
        for review in drafts:
            evaluator = evaluators.setdefault(
                review.evaluator_id, {"token": token(review.evaluator), "reviews": []}
            )
            criteria = list(review.proposal.call.criteria.values_list("pk", flat=True))
            evaluator["reviews"].append({"id": review.pk, "criteria": criteria})
        members: dict[int, dict] = {}
        items = RequestedDataset.objects.filter(
            outcome="pending",
            request__state="under_review",
            committee__isnull=False,
        ).prefetch_related("committee__members__person")
        for item in items:
            for seat in item.committee.members.all():
                person = seat.person
                if person.pk not in members:
                    if not Authenticator.objects.filter(user=person, type="totp").exists():
                        TOTP.activate(person, TOTP_SECRET)
                    members[person.pk] = {"token": token(person), "votes": []}
                vote = {"request": item.request_id, "item": item.pk, "voter": person.pk}
                members[person.pk]["votes"].append(vote)
    return {
        "call": call.pk,
        "track": track.pk,
        "applicants": applicants,
        "evaluators": list(evaluators.values()),
        "committee": list(members.values()),
    }


def votes_cast(votes: list[dict]) -> dict[str, int]:
    from django.db.models import Count

    from governance.access.models import Vote

    counts = {
        (item, voter): n
        for item, voter, n in Vote.objects.filter(item_id__in=[v["item"] for v in votes])
        .values_list("item_id", "voter_id")
        .annotate(n=Count("pk"))
    }
    found = [counts.get((v["item"], v["voter"]), 0) for v in votes]
    return {
        "made": len(votes),
        "lost": found.count(0),
        "duplicated": sum(1 for n in found if n > 1),
    }


def verify(writes: dict) -> dict:
    """Per kind of write: how many the load made, how many are missing from the database and
    how many are there more than once."""
    from django.db.models import Count

    from governance.audit.models import AuditEvent
    from governance.calls.models import Proposal
    from governance.reviews.models import Review
    from governance.tokens.models import IssuedToken

    def audited(action: str, ids: list[int]) -> dict[str, int]:
        counts = dict(
            AuditEvent.objects.filter(action=action, object_id__in=[str(i) for i in ids])
            .values_list("object_id")
            .annotate(n=Count("pk"))
        )
        return {
            "made": len(ids),
            "lost": sum(1 for i in ids if str(i) not in counts),
            "duplicated": sum(1 for n in counts.values() if n > 1),
        }

    created = writes["proposals_created"]
    titles = dict(
        Proposal.objects.filter(call_id=writes["call"]).values_list("title").annotate(n=Count("pk"))
    )
    report = {
        "proposals_created": {
            "made": len(created),
            "lost": sum(1 for title in created if title not in titles),
            "duplicated": sum(1 for n in titles.values() if n > 1)
            + len(titles.keys() - set(created)),
        },
        "proposals_submitted": audited("calls.proposal_submitted", writes["proposals_submitted"]),
        "reviews_submitted": audited("reviews.review_submitted", writes["reviews_submitted"]),
        "votes_cast": votes_cast(writes["votes"]),
    }
    submitted = Review.objects.filter(pk__in=writes["reviews_submitted"], state="submitted")
    report["reviews_submitted"]["lost"] += len(writes["reviews_submitted"]) - submitted.count()
    issued = IssuedToken.objects.filter(
        grant_type="client_credentials", issued_at__gte=writes["started_at"]
    ).count()
    report["tokens_issued"] = {
        "made": writes["tokens_issued"],
        "lost": max(0, writes["tokens_issued"] - issued),
        "duplicated": max(0, issued - writes["tokens_issued"]),
    }
    return report


if __name__ == "__main__":
    sys.exit(main())
