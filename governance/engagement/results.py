"""Survey results, computed in the database: a handful of GROUP BY queries over the answer tallies
(charted questions) and the answer rows (numbers), whatever the number of responses.

Published results (for the public) leave out every stakeholder group and every country with fewer
than SMALL_GROUP respondents, and free-text answers, so that no one can be recognised.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.engagement import charts
from governance.engagement.models import (
    LIKERT_SCALE,
    OTHER,
    SMALL_GROUP,
    Answer,
    AnswerTally,
    Question,
    StakeholderGroup,
    Survey,
    SurveyResponse,
)
from governance.engagement.questions import option_label

Kind = Question.Kind
GROUP_LABELS = dict(StakeholderGroup.choices)


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    chart: Any = None
    kind: str = ""  # "bars", "diverging", "histogram", "number", "text"
    summary: dict[str, Any] = field(default_factory=dict)
    # Single choice: rows (group label, [(option label, count)...]) when shown by group.
    by_group: list[tuple[str, list[int]]] = field(default_factory=list)
    by_group_options: list[str] = field(default_factory=list)


@dataclass
class Results:
    survey: Survey
    public: bool
    respondents: int
    groups: list[tuple[str, int]]
    countries: list[tuple[str, int]]
    suppressed_groups: int
    suppressed_countries: int
    questions: list[QuestionResult]
    over_time: Any
    invited: int
    response_rate: float | None


def survey_results(survey: Survey, *, public: bool) -> Results:
    submitted = SurveyResponse.objects.filter(survey=survey, submitted_at__isnull=False)
    by_group_country = list(
        submitted.order_by().values_list("group", "country").annotate(n=Count("*"))
    )
    group_totals: dict[str, int] = defaultdict(int)
    country_totals: dict[str, int] = defaultdict(int)
    for group, country, n in by_group_country:
        group_totals[group] += n
        country_totals[country or "—"] += n
    respondents = sum(group_totals.values())
    shown_groups = {g for g, n in group_totals.items() if not public or n >= SMALL_GROUP}
    groups = [
        (str(GROUP_LABELS.get(g, g)), n)
        for g, n in sorted(group_totals.items())
        if g in shown_groups
    ]
    countries = [
        (c, n) for c, n in sorted(country_totals.items()) if not public or n >= SMALL_GROUP
    ]

    questions = list(
        survey.questions.select_related("section").order_by("section__position", "position", "pk")
    )
    results = {question.pk: QuestionResult(question=question) for question in questions}
    # Every question from its tallies: counts per value, and per question the values flagged
    # `first` (one per respondent to the question).
    counted = [q.pk for q in questions]
    values: dict[int, list[tuple[int, str, float | None, int]]] = defaultdict(list)
    answered: dict[int, int] = defaultdict(int)
    if counted:
        for question_id, item, choice, number, first, n in (
            AnswerTally.objects.filter(survey=survey, question_id__in=counted)
            .order_by()
            .values_list("question_id", "item", "choice", "number", "first")
            .annotate(n=Sum("count"))
        ):
            values[question_id].append((item, choice, number, n))
            if first:
                answered[question_id] += n
    # Numbers: mean, lowest and highest from the tallies of their values.
    numbers: dict[int, Any] = {
        row["question_id"]: row
        for row in AnswerTally.objects.filter(
            survey=survey, question_id__in=[q.pk for q in questions if q.kind == Kind.NUMBER]
        )
        .order_by()
        .values("question_id")
        .annotate(
            total=Sum(F("number") * F("count")),
            n=Sum("count"),
            low=Min("number"),
            high=Max("number"),
        )
    }
    ranks: dict[int, list[tuple[str, float]]] = defaultdict(list)
    for question in questions:
        if question.kind == Kind.RANKING:
            totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
            for _item, choice, number, n in values.get(question.pk, []):
                totals[choice][0] += (number or 0) * n
                totals[choice][1] += n
            ranks[question.pk] = [(c, total / n) for c, (total, n) in totals.items() if n]
    single_by_group: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    for question_id, group, choice, n in (
        AnswerTally.objects.filter(
            survey=survey, question_id__in=[q.pk for q in questions if q.kind == Kind.SINGLE]
        )
        .filter(group__in=shown_groups)
        .order_by()
        .values_list("question_id", "group", "choice")
        .annotate(n=Sum("count"))
    ):
        single_by_group[question_id][(group, choice)] = n

    for question in questions:
        result = results[question.pk]
        result.answered = answered.get(question.pk, 0)
        rows = values.get(question.pk, [])
        if question.kind in (Kind.SINGLE, Kind.MULTIPLE):
            counts: dict[str, int] = defaultdict(int)
            for _item, choice, _number, n in rows:
                counts[choice] += n
            options = [str(o["value"]) for o in question.options] + (
                [OTHER] if question.allow_other else []
            )
            result.kind = "bars"
            result.chart = charts.bar_chart(
                question.text, [(option_label(question, v), counts.get(v, 0)) for v in options]
            )
            if question.kind == Kind.SINGLE and single_by_group.get(question.pk):
                cells = single_by_group[question.pk]
                result.by_group_options = [option_label(question, v) for v in options]
                result.by_group = [
                    (str(GROUP_LABELS.get(g, g)), [cells.get((g, v), 0) for v in options])
                    for g in sorted(shown_groups)
                    if any(cells.get((g, v)) for v in options)
                ]
        elif question.kind == Kind.LIKERT:
            per_row: dict[int, dict[int, int]] = defaultdict(dict)
            for item, _choice, number, n in rows:
                if number is not None:
                    per_row[item][int(number)] = n
            result.kind = "diverging"
            result.chart = charts.diverging_chart(
                question.text,
                [
                    (str(o["label"]), [per_row[i].get(level, 0) for level, _ in LIKERT_SCALE])
                    for i, o in enumerate(question.options)
                ],
                [str(label) for _level, label in LIKERT_SCALE],
            )
        elif question.kind == Kind.SCALE:
            counts_by_value = {int(number): n for _i, _c, number, n in rows if number is not None}
            result.kind = "histogram"
            result.chart = charts.histogram(
                question.text, [(str(v), counts_by_value.get(v, 0)) for v in range(11)]
            )
            total = sum(counts_by_value.values())
            if total:
                result.summary["mean"] = sum(v * n for v, n in counts_by_value.items()) / total
        elif question.kind == Kind.NUMBER:
            result.kind = "number"
            figures = numbers.get(question.pk)
            if figures and figures["n"]:
                result.summary = {
                    "mean": figures["total"] / figures["n"],
                    "min": figures["low"],
                    "max": figures["high"],
                }
        elif question.kind == Kind.RANKING:
            result.kind = "bars"
            ordered = sorted(ranks.get(question.pk, []), key=lambda pair: pair[1])
            result.summary["ranking"] = [(option_label(question, c), avg) for c, avg in ordered]
            result.chart = None
            result.kind = "ranking"
        else:
            result.kind = "text"

    # Grouped by the stored time (hours, for anonymous surveys), then by local day here: a date
    # function per row is slow on SQLite.
    per_day: dict[datetime.date, int] = defaultdict(int)
    for at, n in submitted.order_by().values_list("submitted_at").annotate(n=Count("*")):
        per_day[timezone.localdate(at)] += n
    cumulative, total = [], 0
    for day in sorted(per_day):
        total += per_day[day]
        cumulative.append((day.isoformat(), total))
    invited = survey.invitations.count()
    return Results(
        survey=survey,
        public=public,
        respondents=respondents,
        groups=groups,
        countries=countries,
        suppressed_groups=len(group_totals) - len(shown_groups),
        suppressed_countries=len(country_totals) - len(countries),
        questions=[results[q.pk] for q in questions],
        over_time=charts.line_chart(_("Responses received, cumulative"), cumulative),
        invited=invited,
        response_rate=(survey.invitations.filter(used_on__isnull=False).count() / invited)
        if invited
        else None,
    )


def text_answers(question: Question):
    """Free-text answers (and "other" texts) of one question, newest response first."""
    return (
        Answer.objects.filter(question=question)
        .exclude(text="")
        .order_by("-response_id")
        .values_list("response_id", "group", "text")
    )
