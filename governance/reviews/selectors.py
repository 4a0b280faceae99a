"""Reads of the evaluation: an evaluator's assignments and reviews, the chair's ranked table."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Exists, F, Max, Min, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from governance.accounts.models import User
from governance.accounts.roles import Role
from governance.accounts.selectors import has_role, is_portal_staff
from governance.calls import rules
from governance.calls.evaluation import MissingReviews
from governance.calls.models import Call, Proposal
from governance.calls.selectors import calls_chaired_by
from governance.reviews.conflicts import conflict_reason
from governance.reviews.models import Assignment, ConflictOfInterest, Review, Score

HIDDEN_STATES = (Proposal.State.DRAFT, Proposal.State.WITHDRAWN)


def assignments_of(evaluator) -> list[Assignment]:
    """The evaluator's active assignments, conflicts (declared or evident) left out."""
    assignments = (
        Assignment.objects.filter(evaluator=evaluator, blocked_at__isnull=True)
        .exclude(proposal__state__in=HIDDEN_STATES)
        .select_related("proposal", "proposal__call", "proposal__organisation", "review")
        .order_by("proposal__call__deadline", "proposal__title")
    )
    return [a for a in assignments if conflict_reason(evaluator, a.proposal) is None]


def conflicts_of(evaluator) -> QuerySet[ConflictOfInterest]:
    return ConflictOfInterest.objects.filter(evaluator=evaluator).select_related(
        "organisation", "proposal"
    )


def conflicts_visible_to(person) -> QuerySet[ConflictOfInterest]:
    """The conflicts of interest a person sees: their own declarations (staff: every one)."""
    qs = ConflictOfInterest.objects.all()
    if is_portal_staff(person):
        return qs
    return qs.filter(evaluator_id=person.pk)


def review_for(evaluator, proposal_pk: int) -> Review:
    """The evaluator's own review of a proposal: 404 without an active, conflict-free assignment."""
    review = (
        Review.objects.filter(
            evaluator=evaluator,
            proposal_id=proposal_pk,
            assignment__blocked_at__isnull=True,
        )
        .exclude(proposal__state__in=HIDDEN_STATES)
        .select_related("proposal", "proposal__call", "proposal__organisation", "proposal__track")
        .prefetch_related("scores")
        .first()
    )
    if review is None or conflict_reason(evaluator, review.proposal):
        raise Http404(_("No such proposal."))
    return review


def may_see_other_reviews(evaluator, review: Review) -> bool:
    return (
        review.state == Review.State.SUBMITTED
        or not review.proposal.call.hide_scores_until_submitted
    )


def other_reviews(review: Review) -> list[Review]:
    return list(
        Review.objects.filter(proposal_id=review.proposal_id, state=Review.State.SUBMITTED)
        .exclude(pk=review.pk)
        .select_related("evaluator")
        .prefetch_related("scores")
    )


def reviews_visible_to(person) -> QuerySet[Review]:
    """API: staff every review; chairs the reviews of their calls; an evaluator their own and,
    once their own is submitted (or the call does not hide scores), the others' submitted ones
    on the same proposal."""
    qs = Review.objects.select_related("proposal", "evaluator").prefetch_related(
        Prefetch("scores", queryset=Score.objects.order_by("criterion_id"))
    )
    if is_portal_staff(person):
        return qs
    condition = Q(pk__in=[])
    if has_role(person, Role.CALL_CHAIR):
        condition |= Q(proposal__call__in=calls_chaired_by(person).values("pk"))
    if has_role(person, Role.EVALUATOR):
        mine = Q(evaluator=person, assignment__blocked_at__isnull=True)
        my_unlocking = Review.objects.filter(
            proposal_id=OuterRef("proposal_id"),
            evaluator=person,
            assignment__blocked_at__isnull=True,
        ).filter(
            Q(state=Review.State.SUBMITTED) | Q(proposal__call__hide_scores_until_submitted=False)
        )
        condition |= mine | (Q(state=Review.State.SUBMITTED) & Q(Exists(my_unlocking)))
    return qs.filter(condition).exclude(proposal__state__in=HIDDEN_STATES)


@dataclass
class RankedRow:
    rank: int
    proposal: Proposal
    mean: Decimal | None
    spread: Decimal | None
    reviews: int
    disagreement: bool


def ranking(call: Call) -> QuerySet[Proposal]:
    """Proposals of the call with their mean weighted total, spread and number of reviews;
    best first, unreviewed last. One query whatever the number of proposals."""
    submitted = Q(reviews__state=Review.State.SUBMITTED)
    return (
        Proposal.objects.filter(call=call)
        .exclude(state__in=HIDDEN_STATES)
        .select_related("organisation", "track")
        .annotate(
            mean=Avg("reviews__weighted_total", filter=submitted),
            high=Max("reviews__weighted_total", filter=submitted),
            low=Min("reviews__weighted_total", filter=submitted),
            review_count=Count("reviews", filter=submitted),
        )
        .order_by(F("mean").desc(nulls_last=True), "title", "pk")
    )


def ranked_count(call: Call) -> int:
    return Proposal.objects.filter(call=call).exclude(state__in=HIDDEN_STATES).count()


def ranked_rows(call: Call, proposals, *, start: int = 0) -> list[RankedRow]:
    threshold = call.disagreement_threshold
    rows = []
    for index, proposal in enumerate(proposals, start=start + 1):
        spread = (
            proposal.high - proposal.low
            if proposal.high is not None and proposal.low is not None
            else None
        )
        rows.append(
            RankedRow(
                rank=index,
                proposal=proposal,
                mean=proposal.mean.quantize(Decimal("0.01")) if proposal.mean is not None else None,
                spread=spread.quantize(Decimal("0.01")) if spread is not None else None,
                reviews=proposal.review_count,
                disagreement=spread is not None and spread > threshold,
            )
        )
    return rows


def assignment_board(call: Call) -> list[Proposal]:
    """Each reviewable proposal with its assignments (and their reviews), for the chair."""
    return list(
        Proposal.objects.filter(
            call=call, state__in=[Proposal.State.SUBMITTED, Proposal.State.UNDER_REVIEW]
        )
        .select_related("organisation", "track")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("evaluator", "review").order_by(
                    "assigned_at"
                ),
            )
        )
        .order_by("title")
    )


@dataclass(frozen=True)
class AssignmentRow:
    """One proposal on the chair's board: who could still be added, and why nobody can."""

    proposal: Proposal
    active: int
    options: list[tuple[User, str | None]]  # (evaluator, conflict reason or None)
    why_none: str  # empty when some evaluator can be assigned

    @property
    def assignable(self) -> bool:
        return not self.why_none


def assignment_rows(call: Call, pool: list[User]) -> list[AssignmentRow]:
    rows = []
    for proposal in assignment_board(call):
        assigned = {a.evaluator_id for a in proposal.assignments.all()}
        options = [
            (evaluator, conflict_reason(evaluator, proposal))
            for evaluator in pool
            if evaluator.pk not in assigned
        ]
        if not pool:
            why_none = _(
                "Nobody holds the evaluator role yet; portal staff give it on an "
                "organisation's page."
            )
        elif not options:
            why_none = _("Every evaluator in the pool is already assigned to this proposal.")
        elif all(conflict for _evaluator, conflict in options):
            why_none = _(
                "Every evaluator not yet assigned is in conflict with this proposal: %(who)s."
            ) % {"who": "; ".join(f"{evaluator} ({conflict})" for evaluator, conflict in options)}
        else:
            why_none = ""
        active = sum(1 for a in proposal.assignments.all() if a.is_active)
        rows.append(AssignmentRow(proposal, active, options, why_none))
    return rows


def chaired_call_for(person, pk: int) -> Call:
    call = Call.objects.prefetch_related("criteria").filter(pk=pk).first()
    if call is None or not rules.may_chair(person, call):
        raise Http404(_("No such call."))
    return call


# What the calls app asks of the evaluation (registered in `ReviewsConfig.ready`).


def assigned_to(person) -> Q:
    """The proposals an evaluator sees: assigned to them and not blocked by a conflict."""
    assigned = Assignment.objects.filter(
        proposal_id=OuterRef("pk"), evaluator=person, blocked_at__isnull=True
    )
    return Q(Exists(assigned))


def missing_reviews(proposal: Proposal) -> MissingReviews:
    active = list(
        Assignment.objects.filter(proposal=proposal, blocked_at__isnull=True)
        .select_related("evaluator", "review")
        .order_by("assigned_at")
    )
    pending = [
        a.evaluator
        for a in active
        if getattr(a, "review", None) is None or a.review.state != Review.State.SUBMITTED
    ]
    unassigned = max(proposal.call.evaluators_per_proposal - len(active), 0)
    return MissingReviews(evaluators=pending, unassigned=unassigned)


def submitted_totals(call: Call) -> list[Decimal | None]:
    return list(
        Review.objects.filter(proposal__call=call, state=Review.State.SUBMITTED).values_list(
            "weighted_total", flat=True
        )
    )
