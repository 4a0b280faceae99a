"""The scale data's calls, proposals and decisions (see core.scale; reviews add the reviews)."""

from __future__ import annotations

import datetime

from django.db.models import F

from governance.calls.defaults import DEFAULT_CONFIGURATION
from governance.calls.models import DECISION_MACHINE, PROPOSAL_MACHINE, Call, Decision, Proposal
from governance.calls.services import _configure
from governance.core.scale import Batch, unknown_states

PER_SCALE = {"calls": 2, "proposals": 400}
# Ten proposals in a row go through these states, so that the counts are exact at every scale.
STATES = (
    "draft",
    "draft",
    "submitted",
    "under_review",
    "under_review",
    "under_review",
    "accepted",
    "rejected",
    "waitlisted",
    "withdrawn",
)
OUTCOMES = {"accepted": "accept", "rejected": "reject", "waitlisted": "waitlist"}


def build(batch: Batch) -> None:
    now, objects = batch.now, batch.objects
    applicants, applicant_people = objects["applicants"], objects["applicant_people"]
    chairs = objects["call_chairs"]
    per_call = PER_SCALE["proposals"] // PER_SCALE["calls"]
    proposals: list[Proposal] = []
    calls = []
    for c in range(PER_SCALE["calls"] * batch.scale):
        call = Call.objects.create(
            title=f"Scale call {batch.tag}-{c}",
            summary="A call of the scale data set.",
            opens_at=now - datetime.timedelta(days=90),
            deadline=now - datetime.timedelta(days=30),
            is_published=True,
        )
        _configure(call, DEFAULT_CONFIGURATION)
        call.chairs.add(chairs[c % len(chairs)])
        calls.append(call)
        track = call.tracks.get(kind="data_holder")
        for i in range(per_call):
            state = STATES[i % len(STATES)]
            organisation = (c * per_call + i) % len(applicants)
            # Half of the withdrawn proposals were withdrawn after their submission.
            submitted = state not in ("draft", "withdrawn") or i % 20 == 19
            answers = {"summary": f"Proposal {i} of scale call {c}."}
            proposals.append(
                Proposal(
                    call=call,
                    track=track,
                    organisation=applicants[organisation],
                    created_by=applicant_people[organisation],
                    title=f"Scale proposal {batch.tag}-{c}-{i}",
                    state=state,
                    answers=answers,
                    snapshot={"answers": answers} if submitted else {},
                    submitted_at=now - datetime.timedelta(days=31) if submitted else None,
                    withdrawn_at=now - datetime.timedelta(days=20)
                    if state == "withdrawn"
                    else None,
                )
            )
    Proposal.objects.bulk_create(proposals, batch_size=1000)
    for proposal in proposals:
        if proposal.submitted_at:
            batch.audited(
                actor_id=proposal.created_by.pk,
                action="calls.proposal_submitted",
                obj=proposal,
                after={"state": "submitted"},
            )
    Decision.objects.bulk_create(
        (
            Decision(
                proposal=proposal,
                outcome=OUTCOMES[proposal.state],
                reason="Ranked by the panel.",
                stage="released",
                decided_by=chairs[0],
                reviewed_by=chairs[-1],
                reviewed_at=now - datetime.timedelta(days=5),
                released_at=now - datetime.timedelta(days=4),
                letter=f"calls/letters/scale-{proposal.pk}.pdf",  # a name only: never read
            )
            for proposal in proposals
            if proposal.state in OUTCOMES
        ),
        batch_size=1000,
    )
    objects |= {"calls": calls, "proposals": proposals}
    batch.counts["calls"] = len(calls)
    batch.counts["proposals"] = len(proposals)


def problems() -> list[str]:
    found = unknown_states(PROPOSAL_MACHINE, Proposal)
    if Decision.objects.exclude(stage__in=DECISION_MACHINE.states).exists():
        found.append("a decision is in a stage the decision machine lacks")
    if Proposal.objects.exclude(call__in=Call.objects.all()).exists():
        found.append("a proposal's call does not exist")
    if Proposal.objects.exclude(track__call=F("call")).exists():
        found.append("a proposal's track belongs to another call")
    decided = Proposal.objects.filter(state__in=list(OUTCOMES))
    if decided.exclude(decisions__stage="released").exists():
        found.append("a decided proposal has no released decision")
    return found
