"""Engagement in a real Chromium, as the patient-organisation persona: answering the demo
stakeholder survey page by page (no JavaScript needed) and commenting on the ELSI consultation.
Every page is checked with axe-core and against the Content Security Policy."""

import re

import pytest
from playwright.sync_api import Page, expect

from governance.engagement.models import Answer, Comment, SurveyResponse
from tests.browser.pages import check_page, log_in, visit

pytestmark = pytest.mark.browser

PATIENT = "patientorg@demo.example"


def test_patient_representative_answers_the_stakeholder_survey(page: Page, demo):
    log_in(page, PATIENT)
    visit(page, "/dashboard/")
    page.get_by_role("link", name=re.compile("Stakeholder survey 2026")).first.click()
    check_page(page)
    expect(page.get_by_text("It takes about 10 minutes.")).to_be_visible()
    page.get_by_role("button", name="Start the survey").click()
    check_page(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    page.get_by_label("Patient or patient organisation").check()
    page.get_by_role("button", name="Next").click()
    check_page(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("You and the federation")
    page.get_by_role("button", name="Next").click()  # required answers missing
    check_page(page)
    expect(page.get_by_text("Some answers need attention")).to_be_visible()
    page.get_by_role("group", name=re.compile("How familiar are you")).get_by_label(
        "I have used them"
    ).check()
    page.get_by_role("group", name=re.compile("recommend the federation")).get_by_label(
        "8", exact=True
    ).check()
    page.get_by_role("button", name="Next").click()
    check_page(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Sharing imaging data")
    # Shown because of the answer "I have used them" on the page before.
    expect(
        page.get_by_text("Which access condition would you choose for your own data?")
    ).to_be_visible()
    for statement in [
        "Imaging data should be reused",
        "Hospitals should keep their data",
        "Anonymised images can be stored",
        "Companies developing AI",
        "Patients should be told",
        "Access decisions should be published",
    ]:
        page.get_by_role("group", name=re.compile(statement)).get_by_label(
            "Agree", exact=True
        ).check()
    page.get_by_role("group", name=re.compile("access condition")).get_by_label(
        "In-situ processing"
    ).check()
    page.get_by_label("What worries you most").fill("That my images are sold.")
    page.get_by_role("button", name="Save and continue later").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers are saved")
    page.get_by_role("link", name="Go on now").click()
    check_page(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Sharing imaging data")
    page.get_by_role("button", name="Next").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Governance and trust")
    page.get_by_role("button", name="Next").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Patients and the public")
    page.get_by_role("button", name="Submit my answers").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your answers")

    response = SurveyResponse.objects.get(submitted_at__isnull=False)
    assert response.person_id is None and response.group == "patient"
    assert Answer.objects.filter(response=response, text="That my images are sold.").exists()


def test_patient_representative_comments_on_the_consultation(page: Page, demo):
    log_in(page, PATIENT)
    visit(page, "/engagement/consultations/")
    page.get_by_role("link", name="Consultation on the ELSI data framework").click()
    check_page(page)
    expect(page.get_by_role("heading", name="In plain language")).to_be_visible()
    page.get_by_label("Which section is your comment about?").select_option(
        label="Legal bases and consent"
    )
    page.get_by_role("textbox", name="Your comment").fill(
        "Please say in plain words how fast a withdrawal takes effect."
    )
    page.get_by_label(re.compile("Public: shown")).check()
    page.get_by_role("button", name="Send my comment").click()
    check_page(page)
    expect(page.get_by_text("your comment is recorded")).to_be_visible()
    section = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("Legal bases and consent"))
    )
    expect(section.get_by_text("how fast a withdrawal takes effect")).to_be_visible()
    comment = Comment.objects.get()
    assert comment.author.email == PATIENT and comment.section.heading == "Legal bases and consent"

    visit(page, f"/engagement/consultations/{comment.consultation_id}/?lang=es")
    expect(page.get_by_text("Este marco explica")).to_be_visible()


def test_a_visitor_chooses_the_language_to_read_the_policy_in(page: Page, demo):
    visit(page, "/engagement/consultations/")
    page.get_by_role("link", name="Consultation on the ELSI data framework").click()
    check_page(page)
    choice = page.get_by_label("Read the policy in")
    expect(choice.locator("option")).to_have_text(["English", "Español"])

    choice.select_option(label="Español")
    page.get_by_role("button", name="Show").click()

    check_page(page)
    expect(page.get_by_text("Este marco explica")).to_be_visible()
    expect(page.get_by_label("Read the policy in")).to_have_value("es")


def test_events_page_and_registration(page: Page, demo):
    log_in(page, PATIENT)
    visit(page, "/engagement/events/")
    page.get_by_role("link", name="Technical demonstration webinar").click()
    check_page(page)
    expect(page.get_by_text("10:00\N{EN DASH}11:30 CET")).to_be_visible()
    page.get_by_role("button", name="Register").click()
    check_page(page)
    expect(page.get_by_text("You are registered.", exact=True)).to_be_visible()


def test_staff_write_a_policy_consult_on_it_and_plan_an_event(page: Page, demo):
    from governance.core.demo import DEMO_TOTP_SECRET
    from governance.engagement.models import Consultation, Event, PolicyVersion

    log_in(page, "admin@demo.example", totp_secret=DEMO_TOTP_SECRET)
    visit(page, "/engagement/consultations/")
    page.get_by_role("link", name="Policy documents and versions").click()
    check_page(page)
    page.get_by_role("link", name="Create a policy document").click()
    check_page(page)
    page.get_by_label("Title").fill("Imaging AI transparency policy")
    page.get_by_role("button", name="Create the policy").click()
    check_page(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Write a new version")
    page.get_by_label("Plain-language summary").fill("We say which AI models used your images.")
    for number, heading, body in [
        (1, "Scope", "Every model trained in the federation."),
        (2, "Register", "A public register lists each model and its datasets."),
    ]:
        section = page.get_by_role("group", name=f"Section {number}")
        section.get_by_label("Heading").fill(heading)
        section.get_by_label("Text").fill(body)
    page.get_by_role("button", name="Save the draft").click()
    check_page(page)
    expect(page.get_by_text("Version 1 is saved as a draft")).to_be_visible()
    page.get_by_role("button", name="Publish this version").click()
    check_page(page)
    expect(page.get_by_text("Published versions never change")).to_be_visible()

    page.get_by_role("link", name="Start a consultation on this version").click()
    check_page(page)
    page.get_by_label("Title").fill("Consultation on AI transparency")
    page.get_by_label("Who we ask and why").fill("Patient organisations: is this clear enough?")
    page.get_by_label("Comments close (Brussels time)").fill("2031-06-30T23:59")
    page.get_by_role("button", name="Save the consultation").click()
    check_page(page)
    page.get_by_role("button", name="Open for comments").click()
    check_page(page)
    expect(page.get_by_text("The consultation is now open for comments.")).to_be_visible()

    visit(page, "/engagement/events/")
    page.get_by_role("link", name="Plan an event").click()
    check_page(page)
    page.get_by_label("Title").fill("AI transparency webinar")
    page.get_by_label("Description").fill("We present the new policy.")
    page.get_by_label("For whom").fill("Patient organisations")
    page.get_by_label("Starts (Brussels time)").fill("2031-03-14T10:00")
    page.get_by_label("Ends (Brussels time)").fill("2031-03-14T11:30")
    page.get_by_label("Where").fill("Online")
    page.get_by_label("Places").fill("80")
    page.get_by_role("button", name="Save the event").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("AI transparency webinar")
    expect(page.get_by_text("10:00\N{EN DASH}11:30 CET (Brussels)")).to_be_visible()

    version = PolicyVersion.objects.get(document__title="Imaging AI transparency policy")
    assert version.state == "published"
    assert list(version.sections.values_list("heading", flat=True)) == ["Scope", "Register"]
    consultation = Consultation.objects.get(title="Consultation on AI transparency")
    assert (consultation.version, consultation.state) == (version, "open")
    assert Event.objects.get(title="AI transparency webinar").capacity == 80
