"""The open-call journey in Chromium: the applicant drafts and submits, the chair assigns an
evaluator, the evaluator scores, the chair decides and releases, the applicant downloads the
decision letter (read with pdftotext). Every page is checked with axe-core and the CSP."""

import re
import subprocess

import pytest
from playwright.sync_api import expect

from governance.calls.models import Proposal
from governance.core.demo import DEMO_TOTP_SECRET
from tests.browser.pages import check_page, log_in, visit, watch
from tests.calls.factories import pdf_bytes

pytestmark = pytest.mark.browser

TITLE = "La Fe lung CT screening archive"


def _new_tab(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/Brussels"
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    watch(tab)
    return context, tab


def _applicant_drafts_and_submits(page, tmp_path):
    log_in(page, "applicant@demo.example")
    visit(page, "/calls/")
    page.get_by_role("link", name=re.compile("EUCAIM Open Call 2026")).click()
    check_page(page)
    page.get_by_role("link", name="Start a proposal").click()
    check_page(page)
    page.get_by_label("Title of your proposal").fill(TITLE)
    page.get_by_label("Data holder").check()
    page.get_by_role("button", name="Start the draft").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit the proposal")

    page.get_by_label("Summary of the data you offer").fill(
        "Low-dose CT from the lung screening programme."
    )
    page.get_by_role("button", name="Save the draft").click()
    check_page(page)
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    expect(page.get_by_text("Answer “Main imaging modality”.")).to_be_visible()

    page.get_by_role("link", name="Edit the answers").click()
    check_page(page)
    page.get_by_label("Main imaging modality").select_option("CT")
    page.get_by_label("Number of subjects").fill("5400")
    page.get_by_label("Country where the data is kept").select_option(label="Spain")
    page.get_by_label("Yes").check()
    letter = tmp_path / "dpo-support.pdf"
    letter.write_bytes(pdf_bytes("support"))
    page.get_by_label("Letter of support of your data-protection officer").set_input_files(
        str(letter)
    )
    page.get_by_role("button", name="Save and submit").click()
    check_page(page)
    expect(page.get_by_text("Your proposal is submitted.")).to_be_visible()
    expect(page.get_by_role("link", name="dpo-support.pdf")).to_be_visible()


def _chair_assigns(chair, proposal):
    visit(chair, f"/reviews/calls/{proposal.call_id}/assign/")
    section = chair.get_by_role("region", name=TITLE)
    options = section.get_by_label("Add an evaluator")
    expect(options.locator("option[disabled]")).to_contain_text("conflict")  # evaluator2
    options.select_option(label="Erik Lindqvist")
    section.get_by_role("button", name="Assign").click()
    check_page(chair)
    expect(chair.get_by_text("Erik Lindqvist assigned.")).to_be_visible()


def _evaluator_scores(evaluator):
    log_in(evaluator, "evaluator1@demo.example")
    visit(evaluator, "/reviews/")
    evaluator.get_by_role("link", name=TITLE).click()
    check_page(evaluator)
    expect(
        evaluator.get_by_text("Other evaluators' scores are shown once you submit your own.")
    ).to_be_visible()
    for name, value in (("Excellence", "5"), ("Impact", "4"), ("Implementation", "3")):
        evaluator.get_by_label(re.compile(rf"^{name} \(weight")).select_option(value)
        evaluator.get_by_label(f"Comment on {name}").fill(f"{name}: convincing.")
    evaluator.get_by_role("button", name="Submit the review").click()
    check_page(evaluator)
    expect(evaluator.get_by_text("Your review is submitted.")).to_be_visible()
    expect(evaluator.get_by_text("Weighted total: 4.2")).to_be_visible()


def _chair_decides_and_releases(chair, proposal):
    visit(chair, f"/reviews/calls/{proposal.call_id}/ranking/")
    expect(chair.get_by_role("row", name=re.compile(TITLE))).to_contain_text("4.20")
    chair.get_by_role("link", name="Decisions").first.click()
    check_page(chair)
    card = chair.locator(".card").filter(has_text=TITLE)
    card.get_by_label("Decision").select_option(label="Accept")
    card.get_by_label("Reason for the applicant").fill("A large, well-described screening archive.")
    card.get_by_role("button", name="Stage the decision").click()
    check_page(chair)
    # The call wants two evaluators and one was assigned: the chair is told before staging.
    expect(chair.get_by_text("1 evaluator not assigned")).to_be_visible()
    chair.get_by_role("button", name="Stage the decision anyway").click()
    check_page(chair)
    row = chair.get_by_role("row", name=re.compile(TITLE))
    row.get_by_role("button", name="Mark reviewed").click()
    check_page(chair)
    chair.get_by_role("button", name="Release every reviewed decision").click()
    check_page(chair)
    expect(chair.get_by_role("listitem").filter(has_text=TITLE)).to_contain_text(
        "): Accept, emailed to Lucía Martínez García"
    )
    chair.get_by_role("button", name="Release and email the letters").click()
    check_page(chair)
    expect(chair.get_by_text("1 decision(s) released")).to_be_visible()


def test_open_call_journey_to_decision_letter(page, demo, browser, live_server, tmp_path):
    _applicant_drafts_and_submits(page, tmp_path)
    proposal = Proposal.objects.get(title=TITLE)
    assert proposal.state == "submitted"

    chair_context, chair = _new_tab(browser, live_server)
    evaluator_context, evaluator = _new_tab(browser, live_server)
    try:
        log_in(chair, "chair@demo.example", totp_secret=DEMO_TOTP_SECRET)
        _chair_assigns(chair, proposal)
        _evaluator_scores(evaluator)
        _chair_decides_and_releases(chair, proposal)
    finally:
        chair_context.close()
        evaluator_context.close()

    visit(page, f"/calls/proposals/{proposal.pk}/")
    expect(page.get_by_role("region", name="Decision")).to_contain_text("Accept")
    expect(page.get_by_role("region", name="Onboarding checklist")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the decision letter (PDF)").click()
    path = tmp_path / "letter.pdf"
    download_info.value.save_as(path)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "EUCAIM Open Call 2026" in text
    assert TITLE in text
    assert "Outcome: Accepted" in text
    assert "A large, well-described screening archive." in text


def test_chair_pages_and_visitor_subscription_pass_checks(page, demo, browser, live_server):
    closed = demo["call.2024"]
    visit(page, "/calls/?tz=America/New_York")
    expect(page.get_by_text("(America/New_York)").first).to_be_visible()
    page.get_by_label("Your email address").fill("visitor@example.org")
    page.get_by_role("button", name="Subscribe").click()
    check_page(page)
    expect(page.get_by_text("Almost done")).to_be_visible()

    log_in(page, "chair@demo.example", totp_secret=DEMO_TOTP_SECRET)
    visit(page, f"/calls/{closed.pk}/dashboard/")
    expect(page.get_by_role("heading", name="Per country")).to_be_visible()
    expect(page.get_by_text("under-represented").first).to_be_attached()
    visit(page, f"/calls/{closed.pk}/decisions/")
    visit(page, "/calls/new/")
    expect(page.get_by_label("Tracks, forms and rubric (JSON)")).to_contain_text("data_holder")

    context, evaluator = _new_tab(browser, live_server)
    try:
        log_in(evaluator, "evaluator2@demo.example")
        visit(evaluator, "/reviews/conflicts/")
        expect(evaluator.get_by_text("Hospital Universitario La Fe —")).to_be_visible()
        visit(evaluator, "/reviews/")
        # The La Fe proposal was assigned before the conflict: it is gone from the list.
        expect(evaluator.get_by_role("link", name=re.compile("Milan paediatric"))).to_be_visible()
        expect(evaluator.get_by_role("link", name=re.compile("^La Fe"))).to_have_count(0)
    finally:
        context.close()
