"""Who may do what in evaluations; asked by the API's RulesPermission (and the pages' helpers).

- Evaluators declare their conflicts of interest and read their own declarations.
- An evaluator scores, saves and submits their own review only; chairs and staff read reviews
  (the queryset says which) but never write someone else's.
"""

from __future__ import annotations

import rules

from governance.calls.rules import is_evaluator


def is_author_of(person, review) -> bool:
    return review is not None and review.evaluator_id == getattr(person, "pk", None)


rules.add_perm("reviews.declare_conflict", rules.predicate(lambda person: is_evaluator(person)))
rules.add_perm("reviews.score_proposal", rules.predicate(is_author_of))
