"""Survey questions as data: how long they take, when they are shown, what a valid answer is.

An answer's canonical form (in a draft, in the API) by question type:
single "value" (or "other" with `other` text), multiple ["value", ...], likert {"0": 1..5, ...}
(statement index -> 1 strongly disagree .. 5 strongly agree), scale 0..10, number, short/long
text "...", ranking ["most important value", ..., "least important value"].
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from governance.engagement.models import OTHER, Question

Kind = Question.Kind

# Seconds a typical respondent spends, from survey-methodology rules of thumb.
SECONDS = {
    Kind.SINGLE: 12,
    Kind.MULTIPLE: 18,
    Kind.SCALE: 10,
    Kind.NUMBER: 12,
    Kind.SHORT_TEXT: 30,
    Kind.LONG_TEXT: 90,
}
LIKERT_SECONDS_PER_ROW = 8
RANKING_SECONDS_PER_OPTION = 6
GROUP_QUESTION_SECONDS = 10


def question_seconds(question: Question) -> int:
    if question.kind == Kind.LIKERT:
        return 5 + LIKERT_SECONDS_PER_ROW * len(question.options)
    if question.kind == Kind.RANKING:
        return 5 + RANKING_SECONDS_PER_OPTION * len(question.options)
    return SECONDS[Kind(question.kind)]


def estimated_minutes(questions: Iterable[Question], *, asks_group: bool = True) -> int:
    seconds = sum(question_seconds(q) for q in questions)
    if asks_group:
        seconds += GROUP_QUESTION_SECONDS
    return max(1, math.ceil(seconds / 60))


def estimate_text(minutes: int) -> str:
    return ngettext("about %(n)d minute", "about %(n)d minutes", minutes) % {"n": minutes}


def option_values(question: Question) -> list[str]:
    return [str(option["value"]) for option in question.options]


def option_label(question: Question, value: str) -> str:
    for option in question.options:
        if str(option["value"]) == value:
            return str(option["label"])
    if value == OTHER:
        return _("Other")
    return value


def is_shown(question: Question, answers: Mapping[str, Any]) -> bool:
    """Whether `question` applies, given the answers so far (server-side, no JavaScript)."""
    if question.condition_question_id is None:
        return True
    given = answers.get(str(question.condition_question_id))
    if given is None:
        return False
    wanted = {str(value) for value in question.condition_values}
    if isinstance(given, dict):
        given = given.get("choice")
    if isinstance(given, list):
        return bool(wanted & {str(value) for value in given})
    return str(given) in wanted


class InvalidAnswer(ValueError):
    pass


def clean(question: Question, raw: Any) -> Any:
    """The canonical answer, None for no answer, or InvalidAnswer saying what to fix."""
    if raw in (None, "", [], {}):
        return None
    kind = question.kind
    values = option_values(question)
    if kind == Kind.SINGLE:
        choice, other = (
            (raw.get("choice"), raw.get("other", "")) if isinstance(raw, dict) else (raw, "")
        )
        choice = str(choice)
        if choice == OTHER and question.allow_other:
            if not str(other).strip():
                raise InvalidAnswer(_('Say what your "other" answer is.'))
            return {"choice": OTHER, "other": str(other).strip()[:500]}
        if choice not in values:
            raise InvalidAnswer(_("Choose one of the options."))
        return {"choice": choice}
    if kind == Kind.MULTIPLE:
        if isinstance(raw, dict):
            chosen, other = raw.get("choices", []), raw.get("other", "")
        else:
            chosen, other = raw, ""
        if not isinstance(chosen, list):
            raise InvalidAnswer(_("Give a list of options."))
        chosen = [str(value) for value in chosen]
        allowed = set(values) | ({OTHER} if question.allow_other else set())
        if not set(chosen) <= allowed:
            raise InvalidAnswer(_("Choose among the options."))
        if OTHER in chosen and not str(other).strip():
            raise InvalidAnswer(_('Say what your "other" answer is.'))
        if not chosen:
            return None
        result: dict[str, Any] = {"choices": list(dict.fromkeys(chosen))}
        if OTHER in chosen:
            result["other"] = str(other).strip()[:500]
        return result
    if kind == Kind.LIKERT:
        if not isinstance(raw, dict):
            raise InvalidAnswer(_("Answer each statement from 1 to 5."))
        rows: dict[str, int] = {}
        for key, value in raw.items():
            if value in (None, ""):
                continue
            if not str(key).isdigit() or int(key) >= len(question.options):
                raise InvalidAnswer(_("Answer only the statements shown."))
            if str(value) not in {"1", "2", "3", "4", "5"}:
                raise InvalidAnswer(_("Answer each statement from 1 to 5."))
            rows[str(int(key))] = int(value)
        if question.required and rows and len(rows) < len(question.options):
            raise InvalidAnswer(_("Answer every statement."))
        return rows or None
    if kind in (Kind.SCALE, Kind.NUMBER):
        try:
            number = float(raw)
        except (TypeError, ValueError):
            raise InvalidAnswer(_("Enter a number.")) from None
        if not math.isfinite(number):
            raise InvalidAnswer(_("Enter a number."))
        if kind == Kind.SCALE:
            if number != int(number) or not 0 <= number <= 10:
                raise InvalidAnswer(_("Choose a whole number from 0 to 10."))
            return int(number)
        return number
    if kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT):
        text = str(raw).strip()
        limit = 300 if kind == Kind.SHORT_TEXT else 5000
        if len(text) > limit:
            raise InvalidAnswer(_("Write at most %(limit)d characters.") % {"limit": limit})
        return text or None
    if kind == Kind.RANKING:
        if not isinstance(raw, list) or sorted(map(str, raw)) != sorted(values):
            raise InvalidAnswer(_("Rank every option once, from most to least important."))
        return [str(value) for value in raw]
    raise InvalidAnswer(_("Unknown question type."))


@dataclass(frozen=True)
class Problem:
    question_id: int
    message: str


def clean_all(
    questions: Iterable[Question], raw_answers: Mapping[str, Any]
) -> tuple[dict[str, Any], list[Problem]]:
    """Clean every shown question in order; hidden questions lose their answers."""
    cleaned: dict[str, Any] = {}
    problems: list[Problem] = []
    for question in questions:
        if not is_shown(question, cleaned):
            continue
        try:
            value = clean(question, raw_answers.get(str(question.pk)))
        except InvalidAnswer as error:
            problems.append(Problem(question.pk, str(error)))
            continue
        if value is None:
            if question.required:
                problems.append(Problem(question.pk, _("This question needs an answer.")))
            continue
        cleaned[str(question.pk)] = value
    return cleaned, problems


@dataclass(frozen=True)
class Value:
    item: int = 0
    choice: str = ""
    number: float | None = None
    text: str = ""


def values_of(question: Question, answer: Any) -> list[Value]:
    """The typed rows one canonical answer is stored as."""
    kind = question.kind
    if kind == Kind.SINGLE:
        return [Value(choice=answer["choice"], text=answer.get("other", ""))]
    if kind == Kind.MULTIPLE:
        return [
            Value(
                item=index, choice=choice, text=answer.get("other", "") if choice == OTHER else ""
            )
            for index, choice in enumerate(answer["choices"])
        ]
    if kind == Kind.LIKERT:
        return [Value(item=int(row), number=value) for row, value in sorted(answer.items())]
    if kind in (Kind.SCALE, Kind.NUMBER):
        return [Value(number=answer)]
    if kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT):
        return [Value(text=answer)]
    if kind == Kind.RANKING:
        return [
            Value(item=rank, choice=choice, number=rank + 1) for rank, choice in enumerate(answer)
        ]
    raise ValueError(kind)


def display(question: Question, answer: Any) -> str:
    """An answer as one line of text, for exports."""
    if answer is None:
        return ""
    kind = question.kind
    if kind == Kind.SINGLE:
        if answer["choice"] == OTHER:
            return f"{_('Other')}: {answer.get('other', '')}"
        return option_label(question, answer["choice"])
    if kind == Kind.MULTIPLE:
        parts = [
            f"{_('Other')}: {answer.get('other', '')}" if c == OTHER else option_label(question, c)
            for c in answer["choices"]
        ]
        return "; ".join(parts)
    if kind == Kind.RANKING:
        return "; ".join(option_label(question, value) for value in answer)
    if kind == Kind.NUMBER and float(answer).is_integer():
        return str(int(answer))
    return str(answer)
