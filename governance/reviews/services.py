"""Writes of the evaluation: conflicts of interest, assignments, reviews and their scores."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.accounts.models import Membership, Organisation, User
from governance.accounts.roles import Role
from governance.audit.services import record
from governance.calls import rules
from governance.calls.models import Call, Criterion, Proposal
from governance.calls.services import start_review
from governance.core.errors import InvalidTransition, NotPermitted, PortalError
from governance.reviews.conflicts import conflict_reason, forget_profile
from governance.reviews.models import REVIEW_MACHINE, Assignment, ConflictOfInterest, Review, Score

REVIEWABLE_STATES = (Proposal.State.SUBMITTED, Proposal.State.UNDER_REVIEW)


# Conflicts of interest


@transaction.atomic
def conflict_declare(
    *,
    actor,
    reason: str,
    organisation: Organisation | None = None,
    proposal: Proposal | None = None,
) -> ConflictOfInterest:
    """Declare a conflict; the assignments it touches are blocked at once (access ends)."""
    if not rules.is_evaluator(actor):
        raise NotPermitted(_("Only evaluators declare conflicts of interest."))
    if (organisation is None) == (proposal is None):
        raise PortalError(_("Name either an organisation or a proposal."), code="invalid")
    if not reason.strip():
        raise PortalError(_("Say briefly why (e.g. “co-author with its PI”)."), code="invalid")
    conflict = ConflictOfInterest.objects.create(
        evaluator=actor, organisation=organisation, proposal=proposal, reason=reason.strip()[:500]
    )
    affected = Assignment.objects.filter(evaluator=actor, blocked_at__isnull=True)
    affected = (
        affected.filter(proposal=proposal)
        if proposal is not None
        else affected.filter(proposal__organisation=organisation)
    )
    blocked = list(affected.values_list("pk", flat=True))
    affected.update(blocked_at=timezone.now(), blocked_reason=_("conflict of interest declared"))
    forget_profile(actor)
    record(
        actor=actor,
        action="reviews.conflict_declared",
        obj=conflict,
        after={
            "organisation": organisation.pk if organisation else None,
            "proposal": proposal.pk if proposal else None,
            "blocked_assignments": blocked,
        },
    )
    return conflict


# Assignment


def _check_chair(actor, call: Call) -> None:
    if not rules.may_chair(actor, call):
        raise NotPermitted(_("Only the call's chairs assign evaluators."))


def evaluator_pool() -> list[User]:
    """Everyone with the evaluator role, with their organisations, in one query each."""
    ids = Membership.objects.filter(role=Role.EVALUATOR).values("person_id")
    return list(User.objects.filter(pk__in=ids, is_active=True, erased_at__isnull=True))


def _locked_proposal(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update()
        .select_related("call", "organisation")
        .get(pk=proposal.pk)
    )


@transaction.atomic
def assign(*, actor, proposal: Proposal, evaluator: User, method: str = "manual") -> Assignment:
    proposal = _locked_proposal(proposal)
    _check_chair(actor, proposal.call)
    if proposal.state not in REVIEWABLE_STATES:
        raise InvalidTransition(
            _("Only submitted proposals under review get evaluators; this one is %(state)s.")
            % {"state": proposal.get_state_display().lower()}
        )
    if not rules.is_evaluator(evaluator):
        raise PortalError(_("%(p)s is not an evaluator.") % {"p": evaluator}, code="invalid")
    reason = conflict_reason(evaluator, proposal)
    if reason:
        raise InvalidTransition(
            _("%(p)s cannot evaluate this proposal: %(reason)s.")
            % {"p": evaluator, "reason": reason},
            code="conflict_of_interest",
        )
    if Assignment.objects.filter(proposal=proposal, evaluator=evaluator).exists():
        raise InvalidTransition(_("%(p)s is already assigned.") % {"p": evaluator})
    assignment = Assignment.objects.create(
        proposal=proposal, evaluator=evaluator, method=method, assigned_by=actor
    )
    Review.objects.create(assignment=assignment, proposal=proposal, evaluator=evaluator)
    start_review(actor=actor, proposal=proposal)
    record(
        actor=actor,
        action="reviews.evaluator_assigned",
        obj=assignment,
        after={"proposal": proposal.pk, "evaluator": evaluator.pk, "method": method},
    )
    return assignment


@transaction.atomic
def unassign(*, actor, assignment: Assignment) -> None:
    assignment = Assignment.objects.select_related("proposal__call").get(pk=assignment.pk)
    _check_chair(actor, assignment.proposal.call)
    review = getattr(assignment, "review", None)
    if review is not None and review.state == Review.State.SUBMITTED:
        raise InvalidTransition(_("The evaluator submitted a review; it stays on record."))
    record(
        actor=actor,
        action="reviews.evaluator_unassigned",
        obj=assignment,
        before={"proposal": assignment.proposal_id, "evaluator": assignment.evaluator_id},
    )
    assignment.delete()


@dataclass
class AutoAssignment:
    """What the automatic assignment did, to explain it in the page."""

    made: list[tuple[str, str]] = field(default_factory=list)  # proposal title, evaluator
    skipped_conflicts: int = 0
    short: list[str] = field(default_factory=list)  # proposals left with too few evaluators
    load: dict[str, int] = field(default_factory=dict)


@transaction.atomic
def auto_assign(*, actor, call: Call) -> AutoAssignment:
    """Give each proposal the call's number of evaluators: always the least-loaded evaluator
    without a conflict (ties by name), so loads differ by at most one where conflicts allow."""
    _check_chair(actor, call)
    proposals = list(
        Proposal.objects.select_for_update()
        .filter(call=call, state__in=REVIEWABLE_STATES)
        .select_related("call", "organisation")
        .order_by("submitted_at", "pk")
    )
    pool = evaluator_pool()
    load = Counter(
        dict(
            Assignment.objects.filter(proposal__call=call, blocked_at__isnull=True)
            .values_list("evaluator_id")
            .annotate(n=Count("pk"))
            .values_list("evaluator_id", "n")
        )
    )
    existing: dict[int, set[int]] = {}
    for proposal_id, evaluator_id in Assignment.objects.filter(proposal__call=call).values_list(
        "proposal_id", "evaluator_id"
    ):
        existing.setdefault(proposal_id, set()).add(evaluator_id)
    result = AutoAssignment()
    for proposal in proposals:
        have = existing.get(proposal.pk, set())
        active = Assignment.objects.filter(proposal=proposal, blocked_at__isnull=True).count()
        need = call.evaluators_per_proposal - active
        candidates = []
        for evaluator in pool:
            if evaluator.pk in have:
                continue
            if conflict_reason(evaluator, proposal):
                result.skipped_conflicts += 1
                continue
            candidates.append(evaluator)
        candidates.sort(key=lambda e: (load[e.pk], e.full_name or e.email, e.pk))
        for evaluator in candidates[: max(need, 0)]:
            assign(actor=actor, proposal=proposal, evaluator=evaluator, method="automatic")
            load[evaluator.pk] += 1
            result.made.append((proposal.title, str(evaluator)))
        if need > len(candidates):
            result.short.append(proposal.title)
    names = {e.pk: str(e) for e in pool}
    result.load = {names.get(pk, str(pk)): n for pk, n in sorted(load.items()) if pk in names}
    record(
        actor=actor,
        action="reviews.auto_assigned",
        obj=call,
        after={"made": len(result.made), "short": len(result.short)},
    )
    return result


# Reviews


def _locked_review(review: Review) -> Review:
    return (
        Review.objects.select_for_update()
        .select_related("assignment", "proposal", "proposal__call", "proposal__organisation")
        .get(pk=review.pk)
    )


def _check_reviewer(actor, review: Review) -> None:
    if review.evaluator_id != actor.pk or not review.assignment.is_active:
        raise NotPermitted(_("Only the assigned evaluator writes this review."))
    if conflict_reason(actor, review.proposal):
        raise NotPermitted(_("You are in conflict with this proposal."))


def _clean_scores(call: Call, scores: dict[int, dict[str, Any]]) -> dict[int, tuple[int, str]]:
    criteria = {c.pk: c for c in call.criteria.all()}
    cleaned: dict[int, tuple[int, str]] = {}
    for criterion_id, given in scores.items():
        if criterion_id not in criteria:
            raise PortalError(_("Unknown criterion %(c)s.") % {"c": criterion_id}, code="invalid")
        value = given.get("value")
        if value is None or value == "":
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise PortalError(_("Scores are whole numbers."), code="invalid") from None
        if not call.scale_min <= value <= call.scale_max:
            raise PortalError(
                _("Scores go from %(lo)d to %(hi)d.")
                % {"lo": call.scale_min, "hi": call.scale_max},
                code="invalid",
            )
        cleaned[criterion_id] = (value, str(given.get("comment", "")).strip())
    return cleaned


@transaction.atomic
def review_save(
    *, actor, review: Review, scores: dict[int, dict[str, Any]], comment: str = ""
) -> Review:
    review = _locked_review(review)
    _check_reviewer(actor, review)
    if review.state != Review.State.DRAFT:
        raise InvalidTransition(_("The review was submitted and can no longer change."))
    if review.proposal.state not in REVIEWABLE_STATES:
        raise InvalidTransition(_("The proposal is no longer under review."))
    for criterion_id, (value, text) in _clean_scores(review.proposal.call, scores).items():
        Score.objects.update_or_create(
            review=review, criterion_id=criterion_id, defaults={"value": value, "comment": text}
        )
    review.comment = comment.strip()
    review.save(update_fields=["comment", "updated_at"])
    return review


def weighted_total(scores: list[Score], criteria: list[Criterion]) -> Decimal:
    weights = {c.pk: c.weight for c in criteria}
    total_weight = sum(weights.values()) or Decimal(1)
    total = sum(Decimal(s.value) * weights[s.criterion_id] for s in scores)
    return (total / total_weight).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


@transaction.atomic
def review_submit(*, actor, review: Review) -> Review:
    review = _locked_review(review)
    _check_reviewer(actor, review)
    if review.proposal.state not in REVIEWABLE_STATES:
        raise InvalidTransition(_("The proposal is no longer under review."))
    target = REVIEW_MACHINE.target(review.state, "submit")
    criteria = list(review.proposal.call.criteria.all())
    scores = list(review.scores.all())
    missing = {c.pk for c in criteria} - {s.criterion_id for s in scores}
    if missing:
        names = ", ".join(c.name for c in criteria if c.pk in missing)
        raise PortalError(
            _("Score every criterion before submitting: %(names)s.") % {"names": names},
            code="incomplete",
        )
    review.state = target
    review.weighted_total = weighted_total(scores, criteria)
    review.submitted_at = timezone.now()
    review.save(update_fields=["state", "weighted_total", "submitted_at", "updated_at"])
    record(
        actor=actor,
        action="reviews.review_submitted",
        obj=review,
        after={"proposal": review.proposal_id, "weighted_total": review.weighted_total},
    )
    return review
