"""The scale data's assignments, reviews and scores (see core.scale)."""

from __future__ import annotations

import datetime

from django.db.models import F

from governance.core.scale import Batch, unknown_states
from governance.reviews.models import REVIEW_MACHINE, Assignment, Review, Score
from governance.reviews.services import weighted_total

EVALUATORS_PER_PROPOSAL = 3
REVIEWED_STATES = frozenset({"under_review", "accepted", "rejected", "waitlisted"})
PER_SCALE = {"reviews": 720}  # three per proposal under review or decided (six in ten)


def build(batch: Batch) -> None:
    evaluators = batch.objects["evaluators"]
    criteria_of = {call.pk: list(call.criteria.all()) for call in batch.objects["calls"]}
    reviewed = [p for p in batch.objects["proposals"] if p.state in REVIEWED_STATES]
    assignments = [
        Assignment(
            proposal=proposal,
            evaluator=evaluators[(index * EVALUATORS_PER_PROPOSAL + k) % len(evaluators)],
            method="automatic",
        )
        for index, proposal in enumerate(reviewed)
        for k in range(EVALUATORS_PER_PROPOSAL)
    ]
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    reviews, scores = [], []
    for index, assignment in enumerate(assignments):
        proposal = assignment.proposal
        # Decided proposals have every review in; one in three under review is still a draft.
        done = proposal.state != "under_review" or index % 3 != 2
        review = Review(
            assignment=assignment,
            proposal=proposal,
            evaluator=assignment.evaluator,
            state="submitted" if done else "draft",
            comment="Sound methods, clear plan." if done else "",
            submitted_at=batch.now - datetime.timedelta(days=10) if done else None,
        )
        if done:
            criteria = criteria_of[proposal.call.pk]
            given = [
                Score(review=review, criterion=criterion, value=1 + (index + k) % 5)
                for k, criterion in enumerate(criteria)
            ]
            review.weighted_total = weighted_total(given, criteria)
            scores.extend(given)
        reviews.append(review)
    Review.objects.bulk_create(reviews, batch_size=2000)
    Score.objects.bulk_create(scores, batch_size=5000)
    for review in reviews:
        if review.state == "submitted":
            batch.audited(
                actor_id=review.evaluator.pk,
                action="reviews.review_submitted",
                obj=review,
                after={"state": "submitted", "weighted_total": str(review.weighted_total)},
            )
    batch.counts["reviews"] = len(reviews)


def problems() -> list[str]:
    found = unknown_states(REVIEW_MACHINE, Review)
    submitted = Review.objects.filter(state="submitted")
    if submitted.filter(weighted_total__isnull=True).exists():
        found.append("a submitted review has no weighted total")
    if submitted.filter(scores__isnull=True).exists():
        found.append("a submitted review has no scores")
    if Review.objects.exclude(proposal=F("assignment__proposal")).exists():
        found.append("a review is of another proposal than its assignment")
    if Review.objects.filter(proposal__state__in=["draft", "submitted"]).exists():
        found.append("a proposal not yet under review has reviews")
    return found
