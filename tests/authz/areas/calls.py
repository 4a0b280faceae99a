"""Calls, proposals and reviews: the pages of `calls:` and `reviews:` and their API."""

from __future__ import annotations

from tests.authz.table import (
    PUBLIC,
    SIGNED_IN,
    STAFF,
    api,
    api_prefixes,
    page,
    who,
)

PREFIXES = (
    "calls:",
    "reviews:",
    *api_prefixes("calls", "proposals", "reviews", "conflicts"),
)

CHAIRS = who("chair", "admin")
# A call's management pages are invisible to whoever does not chair it (404, STYLE: ids leak
# nothing); its public page is not.
CHAIR_ONLY = {"denied": 404}
LAFE_REVIEW_READERS = who("applicant", "evaluator1", "chair", "admin")

CALLS = [
    page("calls:list", PUBLIC),
    page("calls:call_create", CHAIRS),
    page("calls:subscribe", PUBLIC, "POST"),
    page("calls:subscription_confirm", (), subject="token.unknown", denied=404, anonymous=404),
    page("calls:unsubscribe", (), subject="token.unknown", denied=404, anonymous=404),
    page("calls:call", PUBLIC, subject="call.open"),
    page("calls:call_edit", CHAIRS, subject="call.open", **CHAIR_ONLY),
    page("calls:call_translations", CHAIRS, subject="call.open", **CHAIR_ONLY),
    page("calls:dashboard", CHAIRS, subject="call.open", **CHAIR_ONLY),
    # SPEC 2: applicants draft and submit proposals; other roles cannot apply.
    page("calls:proposal_start", who("applicant"), subject="call.open"),
    page("calls:decisions", CHAIRS, subject="call.closed", **CHAIR_ONLY),
    page("calls:decisions_release", CHAIRS, "POST", subject="call.closed", **CHAIR_ONLY),
    page("calls:decision_act", CHAIRS, "POST", subject="decision.moir", **CHAIR_ONLY),
    page("calls:proposals", SIGNED_IN),
    page("calls:proposal", LAFE_REVIEW_READERS, subject="proposal.lafe_review", denied=404),
    # Both evaluators reviewed the repository's 2024 proposal.
    page(
        "calls:proposal",
        who("holder", "evaluator1", "evaluator2", "chair", "admin"),
        subject="proposal.moir",
        denied=404,
    ),
    # A draft: its author's organisation and staff (who administer everything) only.
    page("calls:proposal", who("applicant", "admin"), subject="proposal.lafe_draft", denied=404),
    page("calls:proposal_edit", who("applicant"), subject="proposal.lafe_draft", denied=404),
    page(
        "calls:proposal_submit", who("applicant"), "POST", subject="proposal.lafe_draft", denied=404
    ),
    page(
        "calls:proposal_withdraw",
        who("applicant"),
        "POST",
        subject="proposal.lafe_review",
        denied=404,
    ),
    page(
        "calls:decision_stage",
        CHAIRS,
        "POST",
        subject="proposal.lafe_review",
        denied={"*": 404, "applicant": 403, "evaluator1": 403},
    ),
    page(
        "calls:decision_letter",
        who("holder", "chair", "admin"),
        subject="proposal.moir",
        denied=404,
    ),
    page("calls:attachment", (), subject="missing", denied=404),
    page(
        "calls:onboarding_submit",
        who("holder"),
        "POST",
        subject="onboarding.moir",
        denied=404,
    ),
    page("calls:onboarding_review", STAFF, "POST", subject="onboarding.moir", denied=404),
]

# Chairs and staff read a review; only its evaluator writes it.
READ_NOT_WRITE = {"*": 404, "chair": 403, "admin": 403}

REVIEWS = [
    page("reviews:mine", who("evaluator1", "evaluator2")),
    page("reviews:conflicts", who("evaluator1", "evaluator2")),
    page("reviews:review", who("evaluator1"), subject="proposal.lafe_review", denied=404),
    page("reviews:assign", CHAIRS, subject="call.open", **CHAIR_ONLY),
    page("reviews:ranking", CHAIRS, subject="call.open", **CHAIR_ONLY),
]

# The API: the visitor gets 401 unless the row is public; an object one may not see is 404, an
# action on a visible object one may not take is 403.
CALLS_API = [
    api("GET /api/v1/calls/", PUBLIC),
    api("POST /api/v1/calls/", CHAIRS),
    api("GET /api/v1/calls/{id}/", PUBLIC, "call.open"),
    api("PUT /api/v1/calls/{id}/", CHAIRS, "call.open"),
    api("PATCH /api/v1/calls/{id}/", CHAIRS, "call.open"),
    api("GET /api/v1/proposals/", SIGNED_IN),
    api("POST /api/v1/proposals/", who("applicant")),
    api("GET /api/v1/proposals/{id}/", LAFE_REVIEW_READERS, "proposal.lafe_review", denied=404),
    api(
        "GET /api/v1/proposals/{id}/",
        who("holder", "evaluator1", "evaluator2", "chair", "admin"),
        "proposal.moir",
        denied=404,
    ),
    # Staff see drafts (403 then), others do not (404).
    api(
        "PUT /api/v1/proposals/{id}/",
        who("applicant"),
        "proposal.lafe_draft",
        denied={"*": 404, "admin": 403},
    ),
    api(
        "PATCH /api/v1/proposals/{id}/",
        who("applicant"),
        "proposal.lafe_draft",
        denied={"*": 404, "admin": 403},
    ),
    api(
        "POST /api/v1/proposals/{id}/attachments/",
        who("applicant"),
        "proposal.lafe_draft",
        denied={"*": 404, "admin": 403},
    ),
    api(
        "POST /api/v1/proposals/{id}/decide/",
        CHAIRS,
        "proposal.lafe_review",
        denied={"*": 404, "applicant": 403, "evaluator1": 403},
    ),
    # The evaluators see the proposal they reviewed, but the letter is the applicant's.
    api(
        "GET /api/v1/proposals/{id}/decision-letter/",
        who("holder", "chair", "admin"),
        "proposal.moir",
        denied={"*": 404, "evaluator1": 403, "evaluator2": 403},
    ),
    api(
        "POST /api/v1/proposals/{id}/submit/",
        who("applicant"),
        "proposal.lafe_draft",
        denied={"*": 404, "admin": 403},
    ),
    # Those who see the proposal but did not write it: 403.
    api(
        "POST /api/v1/proposals/{id}/withdraw/",
        who("applicant"),
        "proposal.lafe_review",
        denied={"*": 404, "evaluator1": 403, "chair": 403, "admin": 403},
    ),
    api("GET /api/v1/reviews/", SIGNED_IN),
    api(
        "GET /api/v1/reviews/{id}/",
        who("evaluator1", "chair", "admin"),
        "review.evaluator1",
        denied=404,
    ),
    api(
        "PUT /api/v1/reviews/{id}/",
        who("evaluator1"),
        "review.evaluator1",
        denied=READ_NOT_WRITE,
    ),
    api(
        "PATCH /api/v1/reviews/{id}/",
        who("evaluator1"),
        "review.evaluator1",
        denied=READ_NOT_WRITE,
    ),
    api(
        "POST /api/v1/reviews/{id}/submit/",
        who("evaluator1"),
        "review.evaluator1",
        denied=READ_NOT_WRITE,
    ),
    api("GET /api/v1/conflicts/", SIGNED_IN),
    api("POST /api/v1/conflicts/", who("evaluator1", "evaluator2")),
    # A declaration is the evaluator's; the chair sees its effect (the assignment is blocked).
    api(
        "GET /api/v1/conflicts/{id}/",
        who("evaluator2", "admin"),
        "conflict.evaluator2",
        denied=404,
    ),
]

ROWS = [*CALLS, *REVIEWS, *CALLS_API]
