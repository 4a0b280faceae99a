"""Survey exports: one row per submitted response (CSV streamed, XLSX with openpyxl), and the
free-text answers of one question. Anonymous surveys export no person column."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import groupby

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.text import slugify

from governance.core.spreadsheets import safe_row
from governance.engagement import questions as q
from governance.engagement.models import OTHER, Answer, Question, Survey, SurveyResponse

Kind = Question.Kind


def _columns(survey_questions: list[Question]) -> list[tuple[str, Question, int | None]]:
    columns: list[tuple[str, Question, int | None]] = []
    for number, question in enumerate(survey_questions, start=1):
        if question.kind == Kind.LIKERT:
            for row, option in enumerate(question.options):
                columns.append((f"Q{number}.{row + 1} {option['label']}", question, row))
        else:
            columns.append((f"Q{number} {question.text}", question, None))
    return columns


def _rebuild(question: Question, answers: list[Answer]):
    """The canonical answer from its stored rows (for the export)."""
    kind = question.kind
    first = answers[0]
    if kind == Kind.SINGLE:
        return {"choice": first.choice, "other": first.text}
    if kind == Kind.MULTIPLE:
        other = next((a.text for a in answers if a.choice == OTHER), "")
        return {"choices": [a.choice for a in answers], "other": other}
    if kind == Kind.LIKERT:
        return {str(a.item): int(a.number) for a in answers if a.number is not None}
    if kind == Kind.SCALE:
        return int(first.number) if first.number is not None else None
    if kind == Kind.NUMBER:
        return first.number
    if kind == Kind.RANKING:
        return [a.choice for a in sorted(answers, key=lambda a: a.item)]
    return first.text


def rows(survey: Survey) -> Iterator[list]:
    survey_questions = list(
        survey.questions.select_related("section").order_by("section__position", "position", "pk")
    )
    by_id = {question.pk: question for question in survey_questions}
    columns = _columns(survey_questions)
    header = ["response", "submitted", "stakeholder_group", "country"]
    if not survey.anonymous:
        header.append("person")
    yield header + [title for title, _question, _row in columns]
    responses = (
        SurveyResponse.objects.filter(survey=survey, submitted_at__isnull=False)
        .select_related("person")
        .order_by("pk")
    )
    answers = (
        Answer.objects.filter(survey=survey)
        .order_by("response_id", "question_id", "item")
        .only("response_id", "question_id", "item", "choice", "number", "text")
        .iterator(chunk_size=5000)
    )
    grouped = groupby(answers, key=lambda a: a.response_id)
    pending = next(grouped, None)
    for response in responses.iterator(chunk_size=2000):
        given: dict[int, list[Answer]] = {}
        while pending is not None and pending[0] < response.pk:
            pending = next(grouped, None)
        if pending is not None and pending[0] == response.pk:
            for question_id, items in groupby(pending[1], key=lambda a: a.question_id):
                given[question_id] = list(items)
            pending = next(grouped, None)
        canonical = {
            qid: _rebuild(by_id[qid], items) for qid, items in given.items() if qid in by_id
        }
        line = [
            response.pk,
            response.submitted_at.isoformat() if response.submitted_at else "",
            response.group,
            response.country,
        ]
        if not survey.anonymous:
            line.append(response.person.email if response.person else "")
        for _title, question, row in columns:
            answer = canonical.get(question.pk)
            if row is not None:
                line.append(answer.get(str(row), "") if answer else "")
            else:
                line.append(q.display(question, answer))
        yield line


class _Echo:
    def write(self, value: str) -> str:
        return value


def _filename(survey: Survey, ext: str) -> str:
    return f"survey-{survey.pk}-{slugify(survey.title)[:40]}-responses.{ext}"


def responses_csv(survey: Survey) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(safe_row(line)) for line in rows(survey)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(survey, "csv")}"'
    return response


def responses_xlsx(survey: Survey) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Responses")
    for line in rows(survey):
        sheet.append(safe_row(line))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(survey, "xlsx")}"'
    return response


def text_csv(question: Question, answers) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["response", "stakeholder_group", "answer"])
    for response_id, group, text in answers:
        writer.writerow(safe_row([response_id, group, text]))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="question-{question.pk}-answers.csv"'
    return response
