"""The survey pages without JavaScript: one section a page, conditions evaluated on the server,
save and resume, invitation links; staff pages; list query counts."""

import pytest
from django.urls import reverse

from governance.engagement import services
from governance.engagement.models import Answer, Survey, SurveyInvitation, SurveyResponse
from tests.engagement.factories import consultation, event, qid, survey_with_questions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _walk_to_details(client, survey, uses="yes"):
    client.post(reverse("engagement:survey_start", args=[survey.pk]))
    respond = reverse("engagement:survey_respond", args=[survey.pk])
    client.post(respond, {"group": "patient", "country": "ES", "action": "next"})
    client.post(
        respond, {f"q{qid(survey, 'Do you use shared imaging data?')}": uses, "action": "next"}
    )
    return respond


def test_answering_page_by_page_with_a_condition(manager, client):
    survey = survey_with_questions(manager)
    respond = _walk_to_details(client, survey, uses="yes")
    page = client.get(respond).content.decode()
    assert "Which modalities?" in page
    missing = client.post(respond, {"action": "next"})
    assert missing.status_code == 200
    assert "This field is required." in missing.content.decode()
    done = client.post(
        respond,
        {
            f"q{qid(survey, 'Which modalities?')}": ["mri", "ct"],
            f"q{qid(survey, 'Agree?')}_0": "5",
            f"q{qid(survey, 'Trust?')}": "9",
            "action": "next",
        },
    )
    assert done["Location"] == reverse("engagement:survey_thanks", args=[survey.pk])
    response = SurveyResponse.objects.get(submitted_at__isnull=False)
    assert (response.group, response.country, response.person_id) == ("patient", "ES", None)
    assert Answer.objects.filter(response=response, question__text="Which modalities?").count() == 2


def test_condition_hides_the_follow_up_question(manager, client):
    survey = survey_with_questions(manager)
    respond = _walk_to_details(client, survey, uses="no")
    page = client.get(respond).content.decode()
    assert "Which modalities?" not in page
    assert "Agree?" in page


def test_save_and_resume_with_the_private_link(manager, client):
    survey = survey_with_questions(manager)
    respond = _walk_to_details(client, survey)
    saved = client.post(respond, {f"q{qid(survey, 'Trust?')}": "3", "action": "save"})
    assert saved["Location"] == reverse("engagement:survey_saved", args=[survey.pk])
    page = client.get(saved["Location"]).content.decode()
    link = page.split("/resume/")[1].split("/")[0]
    assert SurveyResponse.objects.get().draft[qid(survey, "Trust?")] == 3

    other = type(client)()
    other.get(reverse("engagement:survey_resume", args=[survey.pk, link]))
    form = other.get(respond).context["form"]
    assert form.initial[f"q{qid(survey, 'Trust?')}"] == 3


def test_invitation_link_once_then_refused(manager, client):
    survey = survey_with_questions(manager, access=Survey.Access.INVITATION)
    services.invitations_send(actor=manager, survey=survey, emails=["a@example.org"])
    invitation = SurveyInvitation.objects.get()
    invitation.token_hash = services.token_hash("tok-123")
    invitation.save()
    landing = client.get(reverse("engagement:survey", args=[survey.pk])).content.decode()
    assert "personal invitation links" in landing
    assert (
        client.get(reverse("engagement:survey_invitation", args=[survey.pk, "tok-123"])).status_code
        == 302
    )
    respond = _walk_to_details(client, survey, uses="no")
    client.post(respond, {"action": "next"})
    invitation.refresh_from_db()
    assert invitation.used_on is not None
    again = client.get(reverse("engagement:survey_invitation", args=[survey.pk, "tok-123"]))
    assert again.status_code == 404
    assert "cannot be used" in again.content.decode()


def test_draft_survey_is_404_for_the_public(manager, client):
    survey = survey_with_questions(manager, open_it=False)
    assert client.get(reverse("engagement:survey", args=[survey.pk])).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reverse("engagement:survey_build", args=[survey.pk])).status_code == 404


def test_staff_build_a_survey_in_the_pages(manager_client):
    response = manager_client.post(
        reverse("engagement:survey_create"),
        {
            "title": "New",
            "intro": "i",
            "privacy_notice": "p",
            "access": "public",
            "anonymous": "on",
            "group_source": "ask",
        },
    )
    survey = Survey.objects.get(title="New")
    build = reverse("engagement:survey_build", args=[survey.pk])
    assert response["Location"] == build
    manager_client.post(build, {"section-title": "First", "add_section": "1"})
    manager_client.post(
        build,
        {
            "question-section": survey.sections.get().pk,
            "question-kind": "single",
            "question-text": "Pick",
            "question-options": "Red\nBlue",
            "question-required": "on",
            "add_question": "1",
        },
    )
    question = survey.questions.get()
    assert question.options == [
        {"value": "red", "label": "Red"},
        {"value": "blue", "label": "Blue"},
    ]
    manager_client.post(reverse("engagement:survey_transition", args=[survey.pk, "open"]))
    survey.refresh_from_db()
    assert survey.state == "open"
    page = manager_client.get(build).content.decode()
    assert "about 1 minute" in page


def test_question_with_one_option_is_refused(manager_client, manager):
    survey = survey_with_questions(manager, open_it=False)
    build = reverse("engagement:survey_build", args=[survey.pk])
    manager_client.post(
        build,
        {
            "question-section": survey.sections.first().pk,
            "question-kind": "single",
            "question-text": "Only",
            "question-options": "Red",
            "add_question": "1",
        },
    )
    assert not survey.questions.filter(text="Only").exists()


@pytest.mark.parametrize("count", [1, 3])
def test_survey_list_query_count(manager, client, django_assert_num_queries, count):
    for index in range(count):
        survey_with_questions(manager, title=f"Survey {index}")
    # A visitor: no session; one query for the surveys with their response counts.
    with django_assert_num_queries(1):
        response = client.get(reverse("engagement:surveys"))
    assert len(response.context["surveys"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_consultation_list_query_count(manager, client, django_assert_num_queries, count):
    for _ in range(count):
        consultation(manager)
    with django_assert_num_queries(1):
        response = client.get(reverse("engagement:consultations"))
    assert len(response.context["consultations"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_event_list_query_count(client, django_assert_num_queries, count):
    for index in range(count):
        event(title=f"Event {index}")
    with django_assert_num_queries(1):
        response = client.get(reverse("engagement:events"))
    assert len(response.context["events"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_api_lists_query_count(manager, django_assert_num_queries, count):
    from rest_framework.test import APIClient

    for index in range(count):
        survey_with_questions(manager, title=f"Survey {index}")
        consultation(manager)
        event(title=f"Event {index}")
    api = APIClient()
    # count, page, sections, questions
    with django_assert_num_queries(4):
        assert api.get("/api/v1/surveys/").json()["count"] == count
    # count, page, sections
    with django_assert_num_queries(3):
        assert api.get("/api/v1/consultations/").json()["count"] == count
    with django_assert_num_queries(2):
        assert api.get("/api/v1/events/").json()["count"] == count


def test_respond_api_refuses_bad_answers_with_field_messages(manager):
    from rest_framework.test import APIClient

    survey = survey_with_questions(manager)
    response = APIClient().post(
        f"/api/v1/surveys/{survey.pk}/respond/",
        {"group": "patient", "answers": {qid(survey, "Do you use shared imaging data?"): "maybe"}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_answers"
    ok = APIClient().post(
        f"/api/v1/surveys/{survey.pk}/respond/",
        {"group": "patient", "answers": {qid(survey, "Do you use shared imaging data?"): "no"}},
        format="json",
    )
    assert ok.json() == {"survey": survey.pk, "submitted": True}
