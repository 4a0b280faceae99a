"""Benchmark the survey results page data for 50,000 responses to 30 questions.

Builds a throwaway database (Django's test database: in memory for SQLite, `test_<name>` on
PostgreSQL when DATABASE_URL points there), fills it with executemany (one Answer row per
response x question x item, about 2.6 million rows) and the per-value tallies the services keep
up to date on submission (rebuilt here with one GROUP BY), times `results.survey_results` —
every chart, breakdown and count of the results page, computed with GROUP BY queries in the
database — for the staff view and the public view (small groups suppressed), and merges
`{"engagement_results": {...}}` into bench/results.json, leaving every other key as it was.

    .venv/bin/python bench/engagement_results.py [--responses 50000] [--runs 9]
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import random
import statistics
import sys
import time
from pathlib import Path

from common import merge_results, start_django, throwaway_database

ROOT = Path(__file__).resolve().parent.parent

# 30 questions: the mix of a long stakeholder survey.
MIX = (
    ["single"] * 10
    + ["multiple"] * 5
    + ["likert"] * 5
    + ["scale"] * 5
    + ["number"] * 2
    + ["long_text"] * 2
    + ["ranking"] * 1
)
GROUPS = [
    "patient",
    "data_provider",
    "service_provider",
    "academic_researcher",
    "industry",
    "policy_maker",
    "other",
]
COUNTRIES = ["AT", "BE", "DE", "ES", "FR", "IT", "NL", "PL", "PT", "SE", "MT"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=9, help="timed runs (median)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="print, do not touch results")
    args = parser.parse_args()

    start_django()
    from django.db import connection

    with throwaway_database():
        started = time.perf_counter()
        survey, answer_rows = build(args.responses)
        build_seconds = time.perf_counter() - started
        staff = timed(survey, public=False, args=args)
        public = timed(survey, public=True, args=args)

    result = {
        "responses": args.responses,
        "questions": len(MIX),
        "answer_rows": answer_rows,
        "runs": args.runs,
        "database": connection.vendor,
        "build_seconds": round(build_seconds, 1),
        "staff_view": staff,
        "public_view": public,
        "median_ms": staff["median_ms"],
        "target_ms": 1000,
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print(json.dumps({"engagement_results": result}, indent=2))
    if not args.no_write:
        merge_results("engagement_results", result)
    return 0


def _options(count: int) -> list[dict]:
    return [{"value": f"o{i}", "label": f"Option {i}"} for i in range(1, count + 1)]


def build(count: int):
    from django.db import connection, transaction
    from django.utils import timezone

    from governance.engagement.models import (
        Answer,
        Question,
        Survey,
        SurveyResponse,
        SurveySection,
    )

    rng = random.Random(50_000)
    with transaction.atomic():
        survey = Survey.objects.create(
            title="Benchmark survey",
            intro="-",
            privacy_notice="-",
            state=Survey.State.CLOSED,
        )
        section = SurveySection.objects.create(survey=survey, title="All", position=1)
        questions = []
        for position, kind in enumerate(MIX, start=1):
            options = {"single": 5, "multiple": 6, "likert": 4, "ranking": 4}.get(kind, 0)
            questions.append(
                Question.objects.create(
                    survey=survey,
                    section=section,
                    position=position,
                    kind=kind,
                    text=f"Question {position}",
                    options=_options(options),
                    allow_other=kind in ("single", "multiple") and position % 3 == 0,
                )
            )
        start = timezone.now() - datetime.timedelta(days=60)
        responses = SurveyResponse.objects.bulk_create(
            (
                SurveyResponse(
                    survey=survey,
                    group=rng.choices(GROUPS, weights=[30, 20, 10, 20, 12, 6, 2])[0],
                    country=rng.choices(COUNTRIES, weights=[5, 5, 15, 15, 15, 15, 10, 8, 6, 5, 1])[
                        0
                    ],
                    submitted_at=(start + datetime.timedelta(minutes=index * 1.7)).replace(
                        minute=0, second=0, microsecond=0
                    ),
                )
                for index in range(count)
            ),
            batch_size=5000,
        )
    # Raw executemany with tuples: model instances for 2.6 million rows would dominate the build.
    quote = connection.ops.quote_name
    columns = [
        "response_id",
        "survey_id",
        "question_id",
        "item",
        "choice",
        "number",
        "text",
        "first",
        "group",
        "country",
    ]
    sql = (
        f"INSERT INTO {quote(Answer._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    rows = 0
    batch: list[tuple] = []

    def flush() -> None:
        nonlocal rows, batch
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)
        rows += len(batch)
        batch = []

    text = "Some thoughts " * 8
    for response in responses:
        pk, group, country = response.pk, response.group, response.country

        def add(
            question_id,
            item=0,
            choice="",
            number=None,
            text_value="",
            first=True,
            pk=pk,
            group=group,
            country=country,
        ):
            batch.append(
                (
                    pk,
                    survey.pk,
                    question_id,
                    item,
                    choice,
                    number,
                    text_value,
                    first,
                    group,
                    country,
                )
            )

        for question in questions:
            kind = question.kind
            if kind == "single":
                add(question.pk, choice=f"o{rng.randint(1, 5)}")
            elif kind == "multiple":
                for item, choice in enumerate(rng.sample(range(1, 7), rng.randint(1, 3))):
                    add(question.pk, item=item, choice=f"o{choice}", first=item == 0)
            elif kind == "likert":
                for item in range(4):
                    add(question.pk, item=item, number=rng.randint(1, 5), first=item == 0)
            elif kind == "scale":
                add(question.pk, number=rng.randint(0, 10))
            elif kind == "number":
                add(question.pk, number=rng.randint(0, 40))
            elif kind == "long_text":
                if rng.random() < 0.3:
                    add(question.pk, text_value=text)
            elif kind == "ranking":
                for rank, choice in enumerate(rng.sample(range(1, 5), 4)):
                    add(
                        question.pk,
                        item=rank,
                        choice=f"o{choice}",
                        number=rank + 1,
                        first=rank == 0,
                    )
        if len(batch) >= 50_000:
            flush()
    if batch:
        flush()
    from governance.engagement.services import rebuild_tallies

    rebuild_tallies(survey=survey)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return survey, rows


def timed(survey, *, public: bool, args) -> dict:
    from governance.engagement.results import survey_results

    def once():
        return survey_results(survey, public=public)

    for _ in range(args.warmup):
        once()
    durations = []
    for _ in range(args.runs):
        started = time.perf_counter()
        results = once()
        durations.append((time.perf_counter() - started) * 1000)
    return {
        "respondents": results.respondents,
        "median_ms": round(statistics.median(durations), 1),
        "min_ms": round(min(durations), 1),
        "max_ms": round(max(durations), 1),
    }


if __name__ == "__main__":
    sys.exit(main())
