"""What waits for evaluators: the reviews they have not submitted yet."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from governance.accounts.roles import Role
from governance.core.dashboard import Item, Section
from governance.core.navigation import Area
from governance.reviews.models import Review
from governance.reviews.selectors import assignments_of


def sections(person, roles: frozenset[str]) -> list[Section]:
    if Role.EVALUATOR not in roles:
        return []
    pending = [a for a in assignments_of(person) if a.review.state == Review.State.DRAFT]
    return [
        Section(
            title=_("Proposals to evaluate"),
            role=Role.EVALUATOR,
            items=[
                Item(
                    a.proposal.title,
                    reverse("reviews:review", args=[a.proposal.pk]),
                    people=True,
                )
                for a in pending
            ],
            empty_text=_("No review waits for you."),
            links=[
                Item(_("Your evaluations"), reverse("reviews:mine")),
                Item(_("Conflicts of interest"), reverse("reviews:conflicts")),
            ],
        )
    ]


def areas(person, roles: frozenset[str]) -> list[Area]:
    if Role.EVALUATOR not in roles:
        return []
    waiting = sum(1 for a in assignments_of(person) if a.review.state == Review.State.DRAFT)
    return [Area(_("Reviews"), reverse("reviews:mine"), "reviews", waiting=waiting)]
