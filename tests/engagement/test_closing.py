"""Closing a survey asks first and says what closing leaves behind."""

import pytest
from django.urls import reverse

from governance.engagement import services
from governance.engagement.models import Consultation, Survey, SurveyResponse
from tests.engagement.factories import consultation, survey_with_questions

pytestmark = pytest.mark.django_db


def _close_url(survey) -> str:
    return reverse("engagement:survey_transition", args=[survey.pk, "close"])


def test_closing_a_survey_lists_what_it_leaves_and_closes_nothing_yet(manager_client, manager):
    survey = survey_with_questions(manager, access=Survey.Access.INVITATION)
    services.invitations_send(
        actor=manager, survey=survey, emails=["a@example.org", "b@example.org"]
    )
    SurveyResponse.objects.create(survey=survey, submitted_at=survey.opened_at)
    SurveyResponse.objects.create(survey=survey)

    response = manager_client.post(_close_url(survey))

    html = response.content.decode()
    assert "Close the survey?" in html
    assert "1 submitted response is kept for the results." in html
    assert "1 response started but not submitted can no longer be finished." in html
    assert "2 invitations not used yet stop working." in html
    survey.refresh_from_db()
    assert survey.state == Survey.State.OPEN


def test_closing_a_survey_once_confirmed_closes_it(manager_client, manager):
    survey = survey_with_questions(manager)

    response = manager_client.post(_close_url(survey), {"confirmed": "yes"}, follow=True)

    assert "The survey is now closed." in response.content.decode()
    survey.refresh_from_db()
    assert survey.state == Survey.State.CLOSED


def test_closing_page_is_not_shown_to_someone_not_staff(client, manager, alice):
    survey = survey_with_questions(manager)
    client.force_login(alice)

    response = client.post(_close_url(survey))

    assert response.status_code == 404
    survey.refresh_from_db()
    assert survey.state == Survey.State.OPEN


def _close_consultation_url(consultation) -> str:
    return reverse("engagement:consultation_transition", args=[consultation.pk, "close"])


def test_closing_a_consultation_counts_comments_to_answer_and_closes_nothing_yet(
    manager_client, manager, alice
):
    opened = consultation(manager)
    services.comment_add(
        actor=alice, consultation=opened, section=None, body="Clearer, please.", visibility="public"
    )

    html = manager_client.post(_close_consultation_url(opened)).content.decode()

    assert "Close the consultation?" in html
    assert "1 comment was received." in html
    assert "1 comment still needs our answer before we publish what we heard." in html
    opened.refresh_from_db()
    assert opened.state == Consultation.State.OPEN


def test_closing_a_consultation_once_confirmed_closes_it(manager_client, manager):
    opened = consultation(manager)

    manager_client.post(_close_consultation_url(opened), {"confirmed": "yes"})

    opened.refresh_from_db()
    assert opened.state == Consultation.State.CLOSED
