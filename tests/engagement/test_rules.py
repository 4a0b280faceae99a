"""One rule says who sees a survey's results (engagement.see_results), and the pages, the API
and the exports ask it; the events API shows the events the pages show."""

import pytest
import rules
from django.urls import reverse
from rest_framework.test import APIClient

from governance.engagement import services
from tests.engagement.factories import answers, event, survey_with_questions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def refusing_results():
    """`engagement.see_results` refuses everyone while the test runs."""
    kept = rules.permissions.permissions["engagement.see_results"]
    rules.set_perm("engagement.see_results", rules.always_deny)
    yield
    rules.set_perm("engagement.see_results", kept)


def _published(manager):
    survey = survey_with_questions(manager)
    services.response_submit(survey=survey, person=None, answers=answers(survey), group="patient")
    for action in ("close", "publish_results"):
        survey = services.survey_transition(actor=manager, survey=survey, action=action)
    return survey


def test_the_results_page_asks_the_rule(manager, manager_client, refusing_results):
    survey = _published(manager)
    url = reverse("engagement:survey_results", args=[survey.pk])
    assert manager_client.get(url).status_code == 404


def test_the_results_api_asks_the_rule(manager, refusing_results):
    survey = _published(manager)
    api = APIClient()
    api.force_authenticate(manager)
    assert api.get(f"/api/v1/surveys/{survey.pk}/results/").status_code == 404


def test_the_export_asks_the_rule(manager, manager_client, refusing_results):
    survey = _published(manager)
    url = reverse("engagement:survey_export", args=[survey.pk, "csv"])
    assert manager_client.get(url).status_code == 404


def test_published_results_are_everyones_but_the_export_is_staffs(manager, client):
    survey = _published(manager)
    person = UserFactory()
    assert person.has_perm("engagement.see_results", survey)
    assert not person.has_perm("engagement.see_every_answer", survey)
    client.force_login(person)
    assert client.get(reverse("engagement:survey_results", args=[survey.pk])).status_code == 200
    export = reverse("engagement:survey_export", args=[survey.pk, "csv"])
    assert client.get(export).status_code == 404


def test_staff_read_unpublished_events_in_the_api_as_on_the_pages(manager, manager_client):
    hidden = event(title="Unpublished workshop")
    hidden.is_published = False
    hidden.save()
    assert manager_client.get(reverse("engagement:event", args=[hidden.pk])).status_code == 200
    api = APIClient()
    api.force_authenticate(manager)
    assert api.get(f"/api/v1/events/{hidden.pk}/").status_code == 200
    assert hidden.pk in [e["id"] for e in api.get("/api/v1/events/").json()["results"]]
    assert APIClient().get(f"/api/v1/events/{hidden.pk}/").status_code == 404
