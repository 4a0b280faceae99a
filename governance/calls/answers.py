"""Typed answers to a track's questions, and the eligibility rules checked before submission."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django_countries import countries

from governance.accounts.roles import ProviderType
from governance.calls.models import Proposal, Question
from governance.core.errors import PortalError
from governance.core.times import format_number


class InvalidAnswer(PortalError):
    code = "invalid_answer"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(
            _("Some answers are not valid: %(list)s")
            % {"list": "; ".join(f"{key}: {message}" for key, message in errors.items())}
        )
        self.errors = errors


def is_blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def clean_answer(question: Question, value: Any) -> Any:
    """The answer as stored, or ValueError with a message that says what is expected."""
    if is_blank(value):
        return None
    kind = question.kind
    if kind == Question.Kind.TEXT:
        text = str(value).strip()
        if question.max_length and len(text) > question.max_length:
            raise ValueError(
                _("At most %(max)d characters (this has %(n)d).")
                % {"max": question.max_length, "n": len(text)}
            )
        return text or None
    if kind == Question.Kind.CHOICE:
        if str(value) not in question.choices:
            raise ValueError(
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(question.choices)}
            )
        return str(value)
    if kind == Question.Kind.NUMBER:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        if question.min_value is not None and number < question.min_value:
            raise ValueError(_("At least %(min)s.") % {"min": format_number(question.min_value)})
        if question.max_value is not None and number > question.max_value:
            raise ValueError(_("At most %(max)s.") % {"max": format_number(question.max_value)})
        # Stored without an exponent: Decimal("800").normalize() would be "8E+2".
        return str(int(number)) if number == number.to_integral_value() else f"{number:f}"
    if kind == Question.Kind.COUNTRY:
        code = str(value).strip().upper()
        if code not in dict(countries):
            raise ValueError(_("Choose a country (ISO 3166 code, e.g. ES)."))
        return code
    if kind == Question.Kind.YES_NO:
        if value in (True, "yes", "true", "True", "1", 1):
            return "yes"
        if value in (False, "no", "false", "False", "0", 0):
            return "no"
        raise ValueError(_("Answer yes or no."))
    if kind == Question.Kind.FILE:
        # Files are uploaded separately; the answer is the attachment's id.
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ValueError(_("Upload the file with the form.")) from None
    raise ValueError(f"unknown question kind {kind}")


def clean_answers(questions: list[Question], given: dict[str, Any]) -> dict[str, Any]:
    """Partial answers for a draft: what is given must be valid; what is missing may wait."""
    by_key = {question.key: question for question in questions}
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for key, value in given.items():
        question = by_key.get(key)
        if question is None:
            errors[key] = _("There is no such question in this track.")
            continue
        try:
            cleaned[key] = clean_answer(question, value)
        except ValueError as error:
            errors[key] = str(error)
    if errors:
        raise InvalidAnswer(errors)
    return cleaned


def missing_answers(questions: list[Question], answers: dict[str, Any]) -> list[Question]:
    return [q for q in questions if q.required and is_blank(answers.get(q.key))]


def display_answer(question: Question, value: Any, attachments: dict[int, Any]) -> str:
    if is_blank(value):
        return ""
    if question.kind == Question.Kind.COUNTRY:
        return str(countries.name(value) or value)
    if question.kind == Question.Kind.YES_NO:
        return str(_("Yes") if value == "yes" else _("No"))
    if question.kind == Question.Kind.FILE:
        attachment = attachments.get(int(value))
        return attachment.original_name if attachment else ""
    if question.kind == Question.Kind.NUMBER:
        return format_number(value)
    return str(value)


@dataclass(frozen=True)
class Check:
    label: str
    passed: bool
    message: str


def eligibility(proposal: Proposal) -> list[Check]:
    """The call's and the track's rules applied to the applicant organisation."""
    call, track, organisation = proposal.call, proposal.track, proposal.organisation
    country = str(organisation.country)
    checks = []
    if call.eligible_countries:
        ok = country in call.eligible_countries
        checks.append(
            Check(
                _("Country"),
                ok,
                _("%(org)s is in %(country)s, an eligible country.")
                if ok
                else _(
                    "%(org)s is in %(country)s, which is neither an EU member state nor a "
                    "country associated to this call."
                ),
            )
        )
        checks[-1] = Check(
            checks[-1].label,
            ok,
            checks[-1].message
            % {"org": organisation.name, "country": countries.name(country) or country},
        )
    if track.provider_types:
        kind = str(ProviderType(organisation.provider_type).label)
        ok = organisation.provider_type in track.provider_types
        allowed = ", ".join(track.provider_type_labels())
        checks.append(
            Check(
                _("Organisation type"),
                ok,
                (
                    _("%(org)s is a %(kind)s, which may apply to this track.")
                    if ok
                    else _("%(org)s is a %(kind)s; this track is open to: %(allowed)s.")
                )
                % {"org": organisation.name, "kind": kind.lower(), "allowed": allowed},
            )
        )
    return checks


def is_eligible(proposal: Proposal) -> bool:
    return all(check.passed for check in eligibility(proposal))
