"""The scale data's survey responses and their tallies (see core.scale)."""

from __future__ import annotations

import datetime

from governance.core.scale import COUNTRIES, Batch, unknown_states
from governance.engagement.models import (
    SURVEY_MACHINE,
    Answer,
    Question,
    Survey,
    SurveyResponse,
    SurveySection,
)
from governance.engagement.services import rebuild_tallies

PER_SCALE = {"survey_responses": 500}  # to one closed survey per unit, two answers each
GROUPS = ("patient", "data_provider", "academic_researcher", "industry", "policy_maker")


def build(batch: Batch) -> None:
    for unit in range(batch.scale):
        survey = Survey.objects.create(
            title=f"Scale stakeholder survey {batch.tag}-{unit}",
            intro="How should the federation share images?",
            privacy_notice="Answers are anonymous.",
            state=Survey.State.CLOSED,
            opened_at=batch.now - datetime.timedelta(days=60),
            closed_at=batch.now - datetime.timedelta(days=1),
        )
        section = SurveySection.objects.create(survey=survey, title="Sharing", position=1)
        options = [{"value": f"o{i}", "label": f"Option {i}"} for i in range(1, 5)]
        choice, rating = Question.objects.bulk_create(
            [
                Question(
                    survey=survey,
                    section=section,
                    position=1,
                    kind="single",
                    text="Who should decide on access?",
                    options=options,
                ),
                Question(
                    survey=survey,
                    section=section,
                    position=2,
                    kind="scale",
                    text="How much do you trust the federation?",
                ),
            ]
        )
        responses = SurveyResponse.objects.bulk_create(
            (
                SurveyResponse(
                    survey=survey,
                    group=GROUPS[i % len(GROUPS)],
                    country=COUNTRIES[i % len(COUNTRIES)],
                    started_on=batch.now.date() - datetime.timedelta(days=30),
                    submitted_at=batch.now - datetime.timedelta(days=2 + i % 28),
                )
                for i in range(PER_SCALE["survey_responses"])
            ),
            batch_size=5000,
        )

        def answers(
            i: int, response: SurveyResponse, survey=survey, choice=choice, rating=rating
        ) -> tuple[Answer, Answer]:
            common = {"response": response, "survey": survey}
            common |= {"group": response.group, "country": response.country}
            return (
                Answer(question=choice, choice=f"o{1 + i % 4}", **common),
                Answer(question=rating, number=i % 11, **common),
            )

        Answer.objects.bulk_create(
            (answer for i, r in enumerate(responses) for answer in answers(i, r)),
            batch_size=5000,
        )
        rebuild_tallies(survey=survey)
        batch.counts["survey_responses"] += len(responses)


def problems() -> list[str]:
    found = unknown_states(SURVEY_MACHINE, Survey)
    if SurveyResponse.objects.filter(submitted_at__isnull=False, answers__isnull=True).exists():
        found.append("a submitted survey response has no answers")
    return found
