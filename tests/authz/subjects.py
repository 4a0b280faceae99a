"""The demo objects that fill the path parameters of the authorization matrix.

Each subject is found by its natural key (a title, a name, an email) in the seeded demo data,
never by id, and is named after whose it is: `proposal.lafe_review` belongs to the applicant's
organisation (La Fe), is foreign to every other organisation's people, and is conflicted for
evaluator2, who declared a conflict of interest with La Fe. `missing` is an id that exists
nowhere: everyone must get 404 there.
"""

from __future__ import annotations

from collections.abc import Callable

MISSING_ID = 987654321


def _proposal(title: str):
    from governance.calls.models import Proposal

    return Proposal.objects.get(title=title)


def _call(title: str):
    from governance.calls.models import Call

    return Call.objects.get(title=title)


LAFE_REVIEW = "La Fe breast and prostate MRI from routine practice"
LAFE_DRAFT = "La Fe paediatric neuroblastoma MRI"
MOIR_ONBOARDING = "Milan paediatric oncology imaging repository joins the federation"
CALL_OPEN = "EUCAIM Open Call 2026: new data holders and AI innovators"
CALL_2024 = "EUCAIM Open Call 2024"


def _decision():
    return _proposal(MOIR_ONBOARDING).decisions.get()


def _onboarding_item():
    return _proposal(MOIR_ONBOARDING).onboarding_items.order_by("position").first()


def _review_of(persona: str):
    from governance.reviews.models import Review

    review = Review.objects.filter(
        proposal=_proposal(LAFE_REVIEW), evaluator__email=f"{persona}@demo.example"
    ).first()
    return review or MISSING_ID


def _conflict_of(persona: str):
    from governance.reviews.models import ConflictOfInterest

    return ConflictOfInterest.objects.get(evaluator__email=f"{persona}@demo.example")


# name -> (what it is, a function returning the object or the URL keyword arguments)
SUBJECTS: dict[str, tuple[str, Callable[[], object]]] = {
    "missing": ("an id that exists nowhere", lambda: MISSING_ID),
    "token.unknown": ("a subscription token that was never issued", lambda: {"token": "unknown"}),
    "call.open": ("the open 2026 call (chair: chair)", lambda: _call(CALL_OPEN)),
    "call.closed": ("the closed 2024 call", lambda: _call(CALL_2024)),
    "proposal.lafe_review": (
        "La Fe's proposal under review: applicant's own, evaluator1 assigned, evaluator2 "
        "conflicted",
        lambda: _proposal(LAFE_REVIEW),
    ),
    "proposal.lafe_draft": ("La Fe's draft: the applicant's own", lambda: _proposal(LAFE_DRAFT)),
    "proposal.moir": (
        "the repository's accepted proposal: the holder's own, foreign to La Fe",
        lambda: _proposal(MOIR_ONBOARDING),
    ),
    "decision.moir": (
        "the decision on the repository's proposal",
        lambda: {"pk": _decision().pk, "verb": "review"},
    ),
    "review.evaluator1": (
        "evaluator1's review of La Fe's proposal under review",
        lambda: _review_of("evaluator1"),
    ),
    "conflict.evaluator2": (
        "evaluator2's declared conflict of interest with La Fe",
        lambda: _conflict_of("evaluator2"),
    ),
    "onboarding.moir": ("an item of the repository's onboarding checklist", _onboarding_item),
}


def resolve(name: str) -> object:
    return SUBJECTS[name][1]()


def pk_of(value: object) -> object:
    return getattr(value, "pk", value)
