"""Each demo persona's main journey on a phone (390 by 844 CSS pixels), through the navigation
alone: the test types one address, the home page, and from there only follows the header's
links and the links and buttons of the pages it reaches. Every page on the way is checked with
axe (tests/browser/pages.py), so a journey fails on a serious accessibility problem as on a
broken link, a script error or a server error."""

import re

import pytest
from playwright.sync_api import Page, expect

from governance.core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tests.browser.pages import check_page, fresh_totp_code, visit

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _start(page: Page, email: str | None = None, *, second_factor: bool = False) -> None:
    """Open the home page on a phone and, for a persona, sign in from the header's link."""
    page.set_viewport_size(PHONE)
    visit(page, "/")
    _no_horizontal_scroll(page)
    if email is None:
        return
    _header(page, "Sign in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    _press(page, "Sign in")
    if second_factor:
        page.get_by_label("Code").fill(fresh_totp_code(DEMO_TOTP_SECRET))
        _press(page, "Sign in")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def _header(page: Page, area: str) -> None:
    """Follow an area of the header; the link must be on screen on a phone, not hidden."""
    link = page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(rf"^{re.escape(area)}\b")
    )
    expect(link).to_be_visible()
    link.click()
    _arrive(page)
    if area not in {"Sign in", "My account"}:
        expect(
            page.get_by_role("navigation", name="Main").locator('[aria-current="page"]')
        ).to_contain_text(area)


def _follow(page: Page, name: str | re.Pattern) -> None:
    """Follow a link of the page's main content."""
    exact = isinstance(name, str)
    page.get_by_role("main").get_by_role("link", name=name, exact=exact).first.click()
    _arrive(page)


def _press(page: Page, name: str) -> None:
    """Press a button that sends a form and check the page that answers."""
    page.get_by_role("button", name=name, exact=True).click()
    _arrive(page)


def _arrive(page: Page) -> None:
    """Check the page just reached: axe, and nothing wider than the phone."""
    check_page(page)
    _no_horizontal_scroll(page)


def _message(page: Page, text: str | re.Pattern) -> None:
    expect(page.locator(".messages")).to_contain_text(text)


def _no_horizontal_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_visitor_finds_a_dataset_and_how_to_ask_for_it(page, demo):
    _start(page)
    _header(page, "Catalogue")
    page.locator("summary", has_text="Filters").click()
    with page.expect_navigation():
        page.get_by_role("group", name=re.compile("^Country")).get_by_label("Germany").click()
    _arrive(page)
    expect(
        page.get_by_role("link", name="Remove filter: Country of the custodian Germany")
    ).to_be_visible()
    _follow(page, re.compile("Brain metastases|Adult glioma|Colon cancer"))

    expect(page.get_by_role("heading", level=2, name="In plain words")).to_be_visible()


def test_applicant_completes_and_submits_the_draft_proposal(page, demo):
    _start(page, "applicant@demo.example")
    _header(page, "Proposals")
    _follow(page, "La Fe paediatric neuroblastoma MRI")
    expect(page.get_by_text("Still to do")).to_be_visible()

    _follow(page, "Edit the answers")
    page.get_by_label("Main imaging modality").select_option("MRI")
    page.get_by_label("Number of subjects").fill("240")
    page.get_by_label("Country where the data is kept").select_option(label="Spain")
    page.get_by_role(
        "group", name="Must the data stay in your hospital (federated use only)?"
    ).get_by_label("Yes").check()
    _press(page, "Save the draft")
    _message(page, "saved")

    _press(page, "Submit the proposal")
    _message(page, "submitted")
    expect(page.locator("main .badge").first).to_have_text("Submitted")


def test_evaluator_scores_and_submits_a_review(page, demo):
    _start(page, "evaluator1@demo.example")
    _header(page, "Reviews")
    _follow(page, "La Fe breast and prostate MRI from routine practice")

    for criterion, score in (("Excellence", "4"), ("Impact", "5"), ("Implementation", "3")):
        page.get_by_label(f"{criterion} (weight", exact=False).select_option(score)
        page.get_by_label(f"Comment on {criterion}").fill(f"{criterion}: clear and well argued.")
    page.get_by_label("Overall comment").fill("A valuable addition to the federation.")
    _press(page, "Submit the review")

    _message(page, "submitted")
    expect(page.get_by_role("heading", name="Other evaluators")).to_be_visible()


def test_conflicted_evaluator_sees_the_conflict_that_blocks_an_assignment(page, demo):
    _start(page, "evaluator2@demo.example")
    _header(page, "Reviews")
    _follow(page, "Conflicts of interest")

    expect(page.get_by_role("main")).to_contain_text("Hospital Universitario La Fe")


def test_chair_reaches_the_call_dashboard_from_the_open_calls(page, demo):
    _start(page, "chair@demo.example", second_factor=True)
    _header(page, "Open calls")
    _follow(page, re.compile("^EUCAIM Open Call 2026"))
    _follow(page, "Call dashboard")

    expect(page.get_by_role("heading", level=1)).to_have_text("Call dashboard")
    expect(page.get_by_role("main")).to_contain_text("1 proposal submitted.")
    _follow(page, re.compile("^EUCAIM Open Call 2026"))  # back to the call, by its breadcrumb
    _follow(page, "Assign evaluators")
    expect(page.get_by_role("main")).to_contain_text("La Fe breast and prostate MRI")


def test_data_holder_publishes_the_waiting_statement(page, demo):
    _start(page, "holder@demo.example")
    _header(page, "Your datasets")
    _follow(page, "Non-small-cell lung cancer CT and PET-CT with dose reports")
    _follow(page, "Continue the draft statement (version 2)")
    expect(page.get_by_text("The saved draft is consistent and can be published.")).to_be_visible()

    _press(page, "Publish this version")
    _message(page, "published")


def test_committee_member_votes_on_the_waiting_request(page, demo):
    _start(page, "committee@demo.example", second_factor=True)
    _header(page, "Committee work")
    _follow(page, "Automated liver-metastasis detection in colorectal cancer CT")

    vote = page.locator("form", has=page.get_by_role("button", name="Cast the vote"))
    vote.get_by_label("Approve").check()
    vote.get_by_label("Reason").fill("The purpose fits the statement; publication is promised.")
    _press(page, "Cast the vote")

    _message(page, "vote")


def test_researcher_follows_a_request_and_finds_the_active_grant(page, demo):
    _start(page, "researcher@demo.example")
    _header(page, "Access requests")
    _follow(page, "Automated liver-metastasis detection in colorectal cancer CT")
    expect(page.get_by_role("main")).to_contain_text("Submitted")

    _header(page, "Agreements and grants")
    _follow(page, "Lung nodule malignancy prediction with deep learning")
    expect(page.get_by_role("main")).to_contain_text("In force")
    _header(page, "Agreements and grants")
    _follow(page, "Grants")
    expect(page.get_by_role("main")).to_contain_text("Active")


def test_patient_organisation_comments_on_the_consultation_and_opens_the_survey(page, demo):
    _start(page, "patientorg@demo.example")
    _header(page, "Consultations and surveys")
    _follow(page, "Consultation on the ELSI data framework")

    page.get_by_role("main").get_by_role("textbox").first.fill(
        "Please say in plain words how a withdrawal reaches every data holder."
    )
    page.get_by_role("button", name="Send my comment").first.click()
    _arrive(page)
    _message(page, "comment")

    _header(page, "Consultations and surveys")
    _follow(page, "Surveys")
    _follow(page, re.compile("^Stakeholder survey 2026"))
    expect(page.get_by_role("button", name="Start the survey")).to_be_visible()


def test_staff_verify_the_audit_chain_and_read_the_outbox(page, demo):
    _start(page, "admin@demo.example", second_factor=True)
    _header(page, "Audit trail")
    _press(page, "Verify the chain")
    expect(page.get_by_role("main")).to_contain_text("intact")

    _header(page, "Outbox")
    _follow(page, re.compile("^Data-use agreement in force"))
    expect(page.get_by_role("main")).to_contain_text("researcher@demo.example")
