"""What calls asks of the evaluation of its proposals, answered by the reviews app.

Reviews builds on calls (its models point at proposals and criteria), so calls never imports it:
reviews registers its answers here from its `AppConfig.ready()`. Until then (a portal without
the reviews app) no proposal is assigned, no evaluator is in conflict and nothing is scored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q

if TYPE_CHECKING:
    from governance.accounts.models import User
    from governance.calls.models import Call, Proposal


@dataclass(frozen=True)
class MissingReviews:
    """What a decision would be taken without: reviews not submitted, evaluators not assigned."""

    evaluators: list[User]
    unassigned: int

    def __bool__(self) -> bool:
        return bool(self.evaluators) or self.unassigned > 0

    @property
    def count(self) -> int:
        return len(self.evaluators) + self.unassigned


@dataclass(frozen=True)
class Evaluation:
    """The answers: each a function of the reviews app."""

    # The condition on proposals (a Q over Proposal) an evaluator sees them by: assigned to them.
    assigned_to: Callable[[User], Q]
    # Why the evaluator may not see the proposal (a conflict of interest), or None.
    conflict_reason: Callable[[User, Proposal], str | None]
    missing_reviews: Callable[[Proposal], MissingReviews]
    # The weighted totals of a call's submitted reviews, on the call's scale.
    submitted_totals: Callable[[Call], list[Decimal | None]]


def _nothing_assigned(person) -> Q:
    return Q(pk__in=[])


def _no_conflict(person, proposal) -> str | None:
    return None


def _all_missing(proposal) -> MissingReviews:
    return MissingReviews(evaluators=[], unassigned=proposal.call.evaluators_per_proposal)


def _no_totals(call) -> list[Decimal | None]:
    return []


WITHOUT_EVALUATION = Evaluation(
    assigned_to=_nothing_assigned,
    conflict_reason=_no_conflict,
    missing_reviews=_all_missing,
    submitted_totals=_no_totals,
)

_registered: list[Evaluation] = [WITHOUT_EVALUATION]


def register(evaluation: Evaluation) -> None:
    _registered[0] = evaluation


def evaluation() -> Evaluation:
    return _registered[0]
