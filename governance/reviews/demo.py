"""The demo evaluation (SPEC §6), seeded by `seed_demo` right after the demo calls.

- The two decided proposals of the 2024 call were scored and submitted by both evaluators.
- The submitted proposal of the open call (`proposal.submitted`) was assigned to both
  evaluators; evaluator2 then declared a conflict with the applicant's organisation, which
  blocked that assignment: it stays on record (the chair sees "blocked: conflict of interest
  declared" and may assign someone else), and evaluator2 gets 404 for the proposal.

Assignments are found by proposal and evaluator, so running it again creates nothing new.
"""

from __future__ import annotations

from datetime import timedelta

from governance.core.demo import DemoContext
from governance.reviews.models import Assignment, ConflictOfInterest, Review, Score
from governance.reviews.services import weighted_total


def seed(context: DemoContext) -> None:
    chair = context["person.chair"]
    evaluator1, evaluator2 = context["person.evaluator1"], context["person.evaluator2"]
    accepted, rejected = context["proposal.2024_accepted"], context["proposal.2024_rejected"]
    for proposal, values in ((accepted, (5, 4, 4)), (rejected, (2, 3, 2))):
        for evaluator in (evaluator1, evaluator2):
            _review(context, proposal, evaluator, chair, values, submitted=True)

    submitted = context["proposal.submitted"]
    _review(context, submitted, evaluator1, chair, None, submitted=False)
    assignment2 = _review(context, submitted, evaluator2, chair, None, submitted=False)
    conflict, created = ConflictOfInterest.objects.get_or_create(
        evaluator=evaluator2,
        organisation=context["org.applicant"],
        defaults={"reason": "Joint research projects with La Fe's radiology department."},
    )
    context.tally("conflicts of interest", created)
    if assignment2.blocked_at is None:
        assignment2.blocked_at = conflict.declared_at
        assignment2.blocked_reason = "conflict of interest declared"
        assignment2.save(update_fields=["blocked_at", "blocked_reason"])


def _review(context, proposal, evaluator, chair, values, *, submitted: bool) -> Assignment:
    assignment, created = Assignment.objects.get_or_create(
        proposal=proposal,
        evaluator=evaluator,
        defaults={"method": Assignment.Method.AUTOMATIC, "assigned_by": chair},
    )
    context.tally("assignments", created)
    review, created = Review.objects.get_or_create(
        assignment=assignment, defaults={"proposal": proposal, "evaluator": evaluator}
    )
    context.tally("reviews", created)
    if created and submitted and values:
        criteria = list(proposal.call.criteria.all())
        scores = [
            Score.objects.create(review=review, criterion=criterion, value=value, comment="")
            for criterion, value in zip(criteria, values, strict=False)
        ]
        review.state = Review.State.SUBMITTED
        review.weighted_total = weighted_total(scores, criteria)
        review.submitted_at = proposal.submitted_at + timedelta(days=14)
        review.comment = "Scored in the 2024 evaluation panel."
        review.save(update_fields=["state", "weighted_total", "submitted_at", "comment"])
    return assignment
