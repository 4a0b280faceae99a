"""Results in the database, published with small groups suppressed; exports."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from governance.engagement import services
from governance.engagement.results import survey_results
from tests.engagement.factories import answers, survey_with_questions

pytestmark = pytest.mark.django_db


def _answered(manager, groups: dict[str, int]):
    survey = survey_with_questions(manager)
    for group, count in groups.items():
        for index in range(count):
            services.response_submit(
                survey=survey,
                person=None,
                answers=answers(
                    survey,
                    uses="yes" if index % 2 else "no",
                    modalities=["mri"] if index % 2 else None,
                    text=f"text {group} {index}",
                ),
                group=group,
                country="ES" if group == "patient" else "IT",
            )
    return survey


def test_results_count_choices_likert_and_scale(manager):
    survey = _answered(manager, {"patient": 6, "industry": 2})
    results = survey_results(survey, public=False)
    assert results.respondents == 8
    uses = results.questions[0]
    assert {bar.label: bar.value for bar in uses.chart.bars} == {"Yes": 4, "No": 4, "Other": 0}
    likert = next(r for r in results.questions if r.kind == "diverging")
    assert likert.chart.rows[0].counts == [0, 0, 0, 8, 0]
    scale = next(r for r in results.questions if r.kind == "histogram")
    assert scale.chart.columns[7].value == 8


def test_published_results_suppress_groups_under_five(manager):
    survey = _answered(manager, {"patient": 6, "industry": 2})
    public = survey_results(survey, public=True)
    assert [label for label, _n in public.groups] == ["Patient or patient organisation"]
    assert public.countries == [("ES", 6)]
    assert public.suppressed_groups == 1
    by_group = public.questions[0].by_group
    assert [label for label, _counts in by_group] == ["Patient or patient organisation"]
    staff_view = survey_results(survey, public=False)
    assert len(staff_view.groups) == 2


def test_public_results_page_states_the_suppression_and_hides_free_text(manager, client):
    survey = _answered(manager, {"patient": 5, "industry": 1})
    for action in ("close", "publish_results"):
        survey = services.survey_transition(actor=manager, survey=survey, action=action)
    response = client.get(reverse("engagement:survey_results", args=[survey.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "fewer than 5 respondents" in text
    assert "Industry" not in text
    assert "text patient 1" not in text


def test_results_are_not_public_before_publication(manager, client):
    survey = _answered(manager, {"patient": 5})
    assert client.get(reverse("engagement:survey_results", args=[survey.pk])).status_code == 404


def test_staff_export_csv_has_one_row_per_response(manager, manager_client):
    survey = _answered(manager, {"patient": 3})
    response = manager_client.get(reverse("engagement:survey_export", args=[survey.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 4
    assert rows[0][:4] == ["response", "submitted", "stakeholder_group", "country"]
    assert "person" not in rows[0]
    assert any("text patient 2" in cell for cell in rows[3])


def test_staff_export_xlsx(manager, manager_client):
    survey = _answered(manager, {"patient": 2})
    response = manager_client.get(reverse("engagement:survey_export", args=[survey.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 3


def test_export_is_staff_only(manager, client):
    survey = _answered(manager, {"patient": 1})
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert (
        client.get(reverse("engagement:survey_export", args=[survey.pk, "csv"])).status_code == 404
    )


def test_text_answers_listing_and_csv(manager, manager_client):
    survey = _answered(manager, {"patient": 2})
    question = survey.questions.get(text="Comments?")
    url = reverse("engagement:survey_text_answers", args=[survey.pk, question.pk])
    assert "text patient 1" in manager_client.get(url).content.decode()
    assert "text patient 0" in manager_client.get(url + "?format=csv").content.decode()


def test_results_api_for_staff_and_public(manager, client):
    from rest_framework.test import APIClient

    survey = _answered(manager, {"patient": 5, "policy_maker": 1})
    api = APIClient()
    assert api.get(f"/api/v1/surveys/{survey.pk}/results/").status_code == 404
    api.force_authenticate(manager)
    data = api.get(f"/api/v1/surveys/{survey.pk}/results/").json()
    assert data["respondents"] == 6 and len(data["groups"]) == 2
    for action in ("close", "publish_results"):
        services.survey_transition(actor=manager, survey=survey, action=action)
    public = APIClient().get(f"/api/v1/surveys/{survey.pk}/results/").json()
    assert [g["respondents"] for g in public["groups"]] == [5]


def test_tallies_kept_on_submission_match_a_rebuild_from_the_answers(manager):
    from governance.engagement.models import AnswerTally

    survey = _answered(manager, {"patient": 4, "industry": 3})

    def snapshot():
        return sorted(
            AnswerTally.objects.filter(survey=survey).values_list(
                "question_id", "item", "choice", "number", "first", "group", "count"
            )
        )

    kept = snapshot()
    assert kept
    services.rebuild_tallies(survey=survey)
    assert snapshot() == kept
    results = survey_results(survey, public=False)
    assert results.questions[-1].answered == 7  # the long text, one value each
