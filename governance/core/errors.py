"""Errors a person can cause. Each carries a message that says what to do and a stable code.

Services raise these; the HTML views show the message and the API answers
`{"detail": <message>, "code": <code>}` with the error's status. `Invalid` names the fields it is
about: a form shows each message beside its field (`core.forms.show_error`), the API answers
`400 {field: [messages], "detail": ..., "code": "invalid"}`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError

# The key of the messages that are about no one field (Django's own, "__all__").
NOT_ONE_FIELD = NON_FIELD_ERRORS


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


class Invalid(PortalError):
    """What was given is not valid; `errors` say, per field, what to change.

    The one field-keyed error of the domain: services raise it, forms and serializers only
    translate it into their own shapes. Messages about no one field go under `NOT_ONE_FIELD`.
    """

    code = "invalid"
    status = 400

    def __init__(self, errors: Mapping[str, str | Iterable[str]]) -> None:
        self.errors: dict[str, list[str]] = {
            field: [messages] if isinstance(messages, str) else list(messages)
            for field, messages in errors.items()
            if messages
        }
        super().__init__(" ".join(m for messages in self.errors.values() for m in messages))

    @classmethod
    def from_django(cls, error: DjangoValidationError) -> Invalid:
        if hasattr(error, "error_dict"):
            return cls(error.message_dict)
        return cls({NOT_ONE_FIELD: error.messages})


class Problems:
    """Collects the refusals of a service's checks, to raise them together as one `Invalid`."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(str(message))

    def merge(self, error: Invalid | DjangoValidationError) -> None:
        if isinstance(error, DjangoValidationError):
            error = Invalid.from_django(error)
        for field, messages in error.errors.items():
            for message in messages:
                self.add(field, message)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def messages(self) -> list[str]:
        return [message for messages in self.errors.values() for message in messages]

    def as_error(self) -> Invalid:
        return Invalid(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise self.as_error()


def full_clean(instance, problems: Problems | None = None, **kwargs) -> None:
    """The model's own validation (`full_clean`) and the service's refusals, raised as one."""
    problems = problems if problems is not None else Problems()
    try:
        instance.full_clean(**kwargs)
    except DjangoValidationError as error:
        problems.merge(error)
    problems.raise_if_any()
