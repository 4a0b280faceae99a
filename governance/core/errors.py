"""Errors a person can cause. Each carries a message that says what to do and a stable code.

Services raise these; the HTML views show the message and the API answers
`{"detail": <message>, "code": <code>}` with the error's status.
"""

from __future__ import annotations


class PortalError(Exception):
    """Base of the errors a person can cause and fix."""

    code = "invalid"
    status = 400

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code


class InvalidTransition(PortalError):
    """The object is not in a state that allows this action."""

    code = "invalid_transition"
    status = 409


class DeadlinePassed(InvalidTransition):
    code = "deadline_passed"


class NotPermitted(PortalError):
    """The person may see the object but may not do this to it."""

    code = "permission_denied"
    status = 403


class ConcurrentChange(InvalidTransition):
    """Somebody else changed the object first; reload and decide again."""

    code = "concurrent_change"
