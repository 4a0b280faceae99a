"""The scale data's committees, access requests and votes (see core.scale)."""

from __future__ import annotations

import datetime

from governance.access.models import (
    REQUEST_MACHINE,
    AccessRequest,
    Committee,
    CommitteeMember,
    RequestedDataset,
    RequestVersion,
    Vote,
)
from governance.accounts.scale import COMMITTEE_SIZE
from governance.catalogue.models import DuoTerm
from governance.core.scale import Batch, unknown_states

DATASETS_PER_REQUEST = 2
PER_SCALE = {
    "committees": 5,
    "access_requests": 100,
    "requested_datasets": 200,
    "votes": 320,  # each of a committee's four members on each dataset of a decided request
}
# Ten requests in a row go through these states, so that the counts are exact at every scale.
STATES = (
    "draft",
    "submitted",
    "under_review",
    "under_review",
    "returned",
    "approved",
    "approved",
    "approved",
    "rejected",
    "withdrawn",
)
OUTCOMES = {"approved": "approved", "rejected": "rejected"}


def build(batch: Batch) -> None:
    now, objects = batch.now, batch.objects
    members, researchers = objects["committee"], objects["researchers"]
    datasets, conditions = objects["datasets"], objects["conditions"]
    committees = Committee.objects.bulk_create(
        Committee(
            name=f"Scale access committee {batch.tag}-{i}",
            organisation=objects["holders"][i],
            decision_rule="majority",
            quorum=3,
        )
        for i in range(PER_SCALE["committees"] * batch.scale)
    )
    seats = {
        committee.pk: members[i * COMMITTEE_SIZE : (i + 1) * COMMITTEE_SIZE]
        for i, committee in enumerate(committees)
    }
    CommitteeMember.objects.bulk_create(
        CommitteeMember(committee_id=pk, person=person, is_chair=k == 0)
        for pk, people in seats.items()
        for k, person in enumerate(people)
    )
    purpose = DuoTerm.objects.filter(shorthand="HMB").first() or DuoTerm.objects.first()
    requests = []
    for i in range(PER_SCALE["access_requests"] * batch.scale):
        state = STATES[i % len(STATES)]
        submitted = state not in ("draft", "withdrawn")
        requests.append(
            AccessRequest(
                researcher=researchers[i % len(researchers)],
                organisation=objects["applicants"][i % len(objects["applicants"])],
                state=state,
                title=f"Scale study {batch.tag}-{i}",
                lay_summary="Training a model to find tumours earlier.",
                scientific_abstract="A retrospective multi-centre imaging study.",
                purpose=purpose,
                starts_on=now.date(),
                ends_on=now.date() + datetime.timedelta(days=730),
                ethics_approval="Approved by the institutional ethics board.",
                version=1,
                submitted_at=now - datetime.timedelta(days=40) if submitted else None,
                decided_at=now - datetime.timedelta(days=20) if state in OUTCOMES else None,
            )
        )
    AccessRequest.objects.bulk_create(requests, batch_size=1000)
    RequestVersion.objects.bulk_create(
        RequestVersion(
            request=request, version=1, snapshot={"title": request.title}, submitted_at=now
        )
        for request in requests
        if request.submitted_at
    )
    by_custodian: dict[int, list] = {}
    for dataset in datasets:
        by_custodian.setdefault(dataset.custodian_id, []).append(dataset)
    position = {d.pk: k for same in by_custodian.values() for k, d in enumerate(same)}
    committee_of = {}
    items = []
    for i, request in enumerate(requests):
        committee = committees[i % len(committees)]
        committee_of[request.pk] = committee.pk
        # Datasets of one custodian: one agreement per approved request.
        first = datasets[(i * DATASETS_PER_REQUEST) % len(datasets)]
        same = by_custodian[first.custodian_id]
        chosen = [same[(position[first.pk] + k) % len(same)] for k in range(DATASETS_PER_REQUEST)]
        outcome = OUTCOMES.get(request.state, "pending")
        for k, dataset in enumerate(chosen):
            items.append(
                RequestedDataset(
                    request=request,
                    dataset=dataset,
                    access_condition_id=conditions[(i + k) % len(conditions)],
                    committee=committee,
                    justification="The cohort matches the study's population.",
                    outcome=outcome,
                    decided_by=seats[committee.pk][0] if outcome != "pending" else None,
                    decided_at=request.decided_at,
                )
            )
    RequestedDataset.objects.bulk_create(items, batch_size=2000)
    votes = [
        Vote(
            item=item,
            voter=voter,
            version=1,
            choice="approve" if item.outcome == "approved" else "reject",
            cast_at=now - datetime.timedelta(days=21),
        )
        for item in items
        if item.outcome != "pending"
        for voter in seats[committee_of[item.request.pk]]
    ]
    Vote.objects.bulk_create(votes, batch_size=2000)
    for request in requests:
        if request.submitted_at:
            batch.audited(
                actor_id=request.researcher.pk,
                action="access.request_submitted",
                obj=request,
                after={"state": "submitted", "version": 1},
            )
    for vote in votes:
        batch.audited(
            actor_id=vote.voter.pk,
            action="access.vote_cast",
            obj=vote,
            after={"choice": vote.choice},
        )
    objects["approved_requests"] = [r for r in requests if r.state == "approved"]
    objects["items"] = items
    batch.counts["committees"] = len(committees)
    batch.counts["access_requests"] = len(requests)
    batch.counts["requested_datasets"] = len(items)
    batch.counts["votes"] = len(votes)


def problems() -> list[str]:
    found = unknown_states(REQUEST_MACHINE, AccessRequest)
    decided = RequestedDataset.objects.exclude(outcome="pending")
    if decided.exclude(request__state__in=list(OUTCOMES)).exists():
        found.append("a dataset has an outcome although its request is undecided")
    if Vote.objects.exclude(item__request__state__in=["under_review", *OUTCOMES]).exists():
        found.append("a vote was cast on a request that was never under review")
    return found
