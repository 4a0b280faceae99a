"""How a row of the authorization matrix reads: who may reach an endpoint, on which object.

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
    multipart: bool = False  # the operation takes a file upload: send an empty multipart body

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


def api_prefixes(*resources: str) -> tuple[str, ...]:
    """The `PREFIXES` of an area that owns these API resources, under every method."""
    methods = ("GET", "POST", "PUT", "PATCH", "DELETE")
    return tuple(f"{method} /api/v1/{resource}/" for method in methods for resource in resources)


def page(name: str, allow, method: str = "GET", subject: str | None = None, **kw) -> Row:
    return Row(name, frozenset(allow), method=method, subject=subject, **kw)


def api(operation: str, allow, subject: str | None = None, **kw) -> Row:
    method, _, _ = operation.partition(" ")
    return Row(operation, frozenset(allow), method=method, subject=subject, **kw)
