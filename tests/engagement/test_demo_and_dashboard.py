import pytest
from django.urls import reverse

from governance.accounts.selectors import roles_of
from governance.core.demo import DemoContext
from governance.engagement import dashboard, demo, services
from governance.engagement.models import Consultation, Event, Survey

pytestmark = pytest.mark.django_db


def seeded() -> DemoContext:
    from governance.accounts import demo as accounts_demo

    context = DemoContext()
    accounts_demo.seed(context)
    demo.seed(context)
    return context


def test_demo_has_an_open_ten_minute_survey_a_consultation_and_a_webinar(client):
    context = seeded()
    survey = context["survey.stakeholders"]
    assert survey.state == Survey.State.OPEN
    assert services.survey_minutes(survey) == 10
    page = client.get(reverse("engagement:survey", args=[survey.pk])).content.decode()
    assert "about 10 minutes" in page
    consultation = context["consultation.elsi"]
    assert consultation.state == Consultation.State.OPEN
    assert consultation.version.plain_summary
    assert consultation.version.translations.filter(language="es").exists()
    webinar = context["event.webinar"]
    assert webinar.title == "Technical demonstration webinar"
    assert webinar.starts_at.month == 3


def test_demo_is_idempotent():
    seeded()
    again = seeded()
    assert Survey.objects.count() == Consultation.objects.count() == Event.objects.count() == 1
    assert again.created["surveys"] == 0 and again.existing["surveys"] == 1


def test_dashboard_sections_per_role():
    context = seeded()
    patient = context["person.patientorg"]
    sections = dashboard.sections(patient, roles_of(patient))
    titles = [s.title for s in sections]
    assert titles == ["Have your say", "Upcoming events"]
    texts = [item.text for item in sections[0].items]
    assert "Consultation on the ELSI data framework" in texts
    assert demo.SURVEY_TITLE in texts
    admin = context["person.admin"]
    staff_sections = dashboard.sections(admin, roles_of(admin))
    assert staff_sections[0].title == "Engagement"
    assert any("comments to answer" in item.note for item in staff_sections[0].items)
    researcher = context["person.researcher"]
    assert [s.title for s in dashboard.sections(researcher, roles_of(researcher))] == [
        "Upcoming events"
    ]
