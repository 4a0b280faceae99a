"""The authorization matrix: who may reach every page and every API operation, on which object.

One row per endpoint (and per object, where the answer depends on whose object it is). A page is
keyed by its URL name, an API operation by `METHOD /api/v1/path/{id}/` as the OpenAPI schema
spells it. Each row says which demo object fills the path (`tests/authz/subjects.py`), which
personas are allowed, and what the others get:

- `allow`: persona names (`PUBLIC` for everyone, the anonymous visitor too; `SIGNED_IN` for every
  persona);
- `denied`: what a persona outside `allow` gets (404 when the object must stay invisible, 403
  when it may be seen but not acted on), or a dict persona -> outcome with `"*"` as the default;
- `anonymous`: the visitor's outcome; by default a redirect to sign-in for pages and 401 for the
  API.

The outcomes are derived from the governance rules (SPEC section 2, the roles), not from what the
code does. Where the code disagrees and the fix is not made yet, `disagrees` records the cells
(persona -> what the code answers) with the reason; the test fails if such a cell starts to agree,
so that the marker is removed with the fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PERSONAS = (
    "admin",
    "applicant",
    "evaluator1",
    "evaluator2",
    "chair",
    "holder",
    "committee",
    "researcher",
    "patientorg",
)
ANONYMOUS = "anonymous"
PUBLIC = frozenset({*PERSONAS, ANONYMOUS})
SIGNED_IN = frozenset(PERSONAS)
STAFF = frozenset({"admin"})

ALLOWED = "allowed"
LOGIN = "login"  # a redirect to the sign-in page
MFA = "mfa"  # a redirect to the second-factor setup


def who(*names: str) -> frozenset[str]:
    unknown = set(names) - set(PERSONAS)
    assert not unknown, f"not demo personas: {unknown}"
    return frozenset(names)


@dataclass(frozen=True)
class Row:
    endpoint: str  # a page's URL name or "METHOD /api/v1/..."
    allow: frozenset[str]
    method: str = "GET"
    subject: str | None = None  # fills the path parameters (subjects.SUBJECTS)
    denied: int | str | dict = 403
    anonymous: int | str | None = None
    disagrees: dict[str, int | str] = field(default_factory=dict)
    why: str = ""

    @property
    def is_api(self) -> bool:
        return self.endpoint.startswith("/api/") or " /api/" in self.endpoint

    def expected(self, persona: str) -> int | str:
        if persona in self.allow:
            return ALLOWED
        if persona == ANONYMOUS:
            if self.anonymous is not None:
                return self.anonymous
            return 401 if self.is_api else LOGIN
        if isinstance(self.denied, dict):
            return self.denied.get(persona, self.denied.get("*", 403))
        return self.denied


def page(name: str, allow, method: str = "GET", subject: str | None = None, **kw) -> Row:
    return Row(name, frozenset(allow), method=method, subject=subject, **kw)


def api(operation: str, allow, subject: str | None = None, **kw) -> Row:
    method, _, _ = operation.partition(" ")
    return Row(operation, frozenset(allow), method=method, subject=subject, **kw)


CHAIRS = who("chair", "admin")
# A call's management pages are invisible to whoever does not chair it (404, STYLE: ids leak
# nothing); its public page is not.
CHAIR_ONLY = {"denied": 404}
HOLDER_OWN_PROPOSAL = (
    "The holder wrote the repository's 2024 proposal but holds no applicant role: the code "
    "shows proposals to the applicants of the organisation only, while the rules (SPEC 2: "
    "'sees only its own') let the author see it."
)
LAFE_REVIEW_READERS = who("applicant", "evaluator1", "chair", "admin")

CALLS = [
    page("calls:list", PUBLIC),
    page("calls:call_create", CHAIRS),
    page("calls:subscribe", PUBLIC, "POST"),
    page("calls:subscription_confirm", (), subject="token.unknown", denied=404, anonymous=404),
    page("calls:unsubscribe", (), subject="token.unknown", denied=404, anonymous=404),
    page("calls:call", PUBLIC, subject="call.open"),
    page("calls:call_edit", CHAIRS, subject="call.open", **CHAIR_ONLY),
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
        disagrees={"holder": 404},
        why=HOLDER_OWN_PROPOSAL,
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
        disagrees={"holder": 404},
        why=HOLDER_OWN_PROPOSAL,
    ),
    page("calls:attachment", (), subject="missing", denied=404),
    page(
        "calls:onboarding_submit",
        who("holder"),
        "POST",
        subject="onboarding.moir",
        denied=404,
        disagrees={"holder": 404},
        why=HOLDER_OWN_PROPOSAL,
    ),
    page("calls:onboarding_review", STAFF, "POST", subject="onboarding.moir", denied=404),
]

REVIEWS = [
    page("reviews:mine", who("evaluator1", "evaluator2")),
    page("reviews:conflicts", who("evaluator1", "evaluator2")),
    page("reviews:review", who("evaluator1"), subject="proposal.lafe_review", denied=404),
    page("reviews:assign", CHAIRS, subject="call.open", **CHAIR_ONLY),
    page("reviews:ranking", CHAIRS, subject="call.open", **CHAIR_ONLY),
]

ROWS: list[Row] = [*CALLS, *REVIEWS]

# The table is being filled area by area: endpoints outside these prefixes are not in it yet
# (the report lists them as not covered). Empty when the table is complete.
COVERED_PREFIXES: tuple[str, ...] = ("calls:", "reviews:")

# Each area is one test (the demo data seeded once for it).
AREAS: dict[str, list[Row]] = {"calls": CALLS + REVIEWS}
