"""Access in a real Chromium: the demo researcher requests a dataset from the catalogue and
submits; the committee's chair (committee@, with TOTP) approves it from the dashboard; the
project appears in the public register.
"""

import pytest
from playwright.sync_api import expect

from governance.access.models import AccessRequest
from governance.core.demo import DEMO_TOTP_SECRET
from tests.browser.pages import check_page, log_in, visit, watch

pytestmark = pytest.mark.browser

DATASET = "Chest X-ray follow-up of treated lung cancer (open)"
TITLE = "Follow-up X-ray triage with machine learning"


def test_researcher_requests_and_committee_approves(page, demo, browser, live_server):
    log_in(page, "researcher@demo.example")
    visit(page, "/catalogue/")
    page.get_by_role("link", name=DATASET).click()
    check_page(page)
    page.get_by_role("link", name="Request access").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Request access to datasets")

    page.get_by_label("Project title").fill(TITLE)
    page.get_by_role("textbox", name="Lay summary").fill(
        "A program that sorts follow-up X-rays by urgency."
    )
    page.get_by_label("Scientific abstract").fill("Triage classifier on chest radiographs.")
    page.get_by_label("Research purpose (DUO)").select_option(
        label="HMB — health or medical or biomedical research"
    )
    page.get_by_label("Commercial use").check()
    expect(page.get_by_label("For-profit organisation")).to_be_checked()
    page.get_by_label("Access from").fill("2027-01-01")
    page.get_by_label("Access until").fill("2027-12-31")
    page.get_by_label("Team members").fill("Jonas Becker, researcher@demo.example, PI")
    first = page.get_by_role("group", name="Dataset 1")
    expect(first.get_by_label("Dataset:", exact=True)).to_have_value(
        str(demo["dataset.chest-xray"].pk)
    )
    first.get_by_label("Access wanted").select_option(label="Download access")
    page.get_by_label("I agree that the title").check()
    page.get_by_role("button", name="Save the draft").click()
    check_page(page)

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    item = page.get_by_role("article", name=DATASET)
    expect(item.get_by_text("Compatible", exact=True)).to_be_visible()
    expect(item.get_by_text("MOIR Data Access Committee")).to_be_visible()
    expect(item.get_by_text("PUB:")).to_be_visible()
    page.get_by_role("button", name="Submit the request").click()
    check_page(page)
    expect(page.get_by_text("The request is submitted")).to_be_visible()
    request = AccessRequest.objects.get(title=TITLE)
    assert request.state == "submitted"

    # The chair signs in (second factor) and decides from the dashboard.
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    chair = context.new_page()
    watch(chair)
    try:
        log_in(chair, "committee@demo.example", totp_secret=DEMO_TOTP_SECRET)
        visit(chair, "/dashboard/")
        section = chair.get_by_role("region", name="Access requests to review")
        section.get_by_role("link", name=f"{DATASET} — {TITLE}").click()
        check_page(chair)
        decision = chair.get_by_role("group", name=f"Decide on {DATASET}")
        decision.get_by_label("Approve").check()
        decision.get_by_label("Reasons (the researcher reads them)").fill(
            "Health research within the dataset's permission."
        )
        decision.get_by_role("button", name="Record the decision").click()
        check_page(chair)
        expect(chair.get_by_text("The decision on")).to_be_visible()
        expect(chair.get_by_text("Approved", exact=True).first).to_be_visible()
    finally:
        context.close()
    request.refresh_from_db()
    assert request.state == "approved"

    visit(page, "/access/register/")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
