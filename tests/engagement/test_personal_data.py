import pytest

from governance.engagement import personal_data, services
from governance.engagement.models import Registration, Survey, SurveyResponse
from tests.engagement.factories import answers, event, survey_with_questions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_export_holds_identified_answers_and_registrations_but_no_anonymous_ones(manager):
    person = UserFactory()
    anonymous = survey_with_questions(manager, access=Survey.Access.SIGNED_IN, title="Anon")
    identified = survey_with_questions(
        manager, access=Survey.Access.SIGNED_IN, anonymous=False, title="Named"
    )
    for survey in (anonymous, identified):
        services.response_submit(
            survey=survey, person=person, answers=answers(survey), group="patient"
        )
    services.event_register(person=person, event=event())
    data = personal_data.export(person)
    assert [r["survey"] for r in data["survey_responses"]] == ["Named"]
    assert data["anonymous_surveys_taken_part_in"][0]["survey"] == "Anon"
    assert len(data["event_registrations"]) == 1

    personal_data.erase(person)
    assert not SurveyResponse.objects.filter(person=person).exists()
    assert SurveyResponse.objects.filter(submitted_at__isnull=False).count() == 2
    assert not Registration.objects.filter(person=person).exists()
