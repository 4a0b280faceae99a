"""Signing a data-use agreement in a real Chromium: the researcher signs, the data holder's
signatory countersigns from the dashboard, and the researcher sees the grant.

The agreement is drafted through the service the access committee's approval triggers, for the
demo researcher's pending request (its dataset approved as the committee would).
"""

import pytest
from playwright.sync_api import Page, expect

from governance.access.models import RequestedDataset
from governance.agreements import services
from governance.agreements.models import Agreement, Grant
from tests.browser.pages import check_page, log_in, visit, watch

pytestmark = pytest.mark.browser


def _drafted_agreement(demo) -> Agreement:
    request = demo["access_request.pending"]
    request.items.update(outcome=RequestedDataset.Outcome.APPROVED)
    (agreement,) = services.agreement_draft_for(request=request, items=list(request.items.all()))
    return agreement


def _as(browser, live_server, email: str) -> Page:
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    watch(page)
    log_in(page, email)
    return page


def test_researcher_signs_holder_countersigns_researcher_sees_the_grant(
    page, demo, browser, live_server
):
    agreement = _drafted_agreement(demo)
    title = agreement.request.title
    dataset = agreement.items.get().dataset.title

    # The researcher finds the agreement on the dashboard, tries a wrong password, then signs.
    log_in(page, "researcher@demo.example")
    visit(page, "/dashboard/")
    section = page.get_by_role("region", name="Your agreements and grants")
    section.get_by_role("link", name=title).click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page.get_by_text("Radiomics Analytics GmbH").first).to_be_visible()
    page.get_by_label("Your password").fill("not-the-password")
    page.get_by_role("button", name="Sign the agreement").click()
    check_page(page)
    expect(page.get_by_role("alert")).to_contain_text("The password is not correct.")
    page.get_by_label("Your password").fill("demo-pass-2026")
    page.get_by_role("button", name="Sign the agreement").click()
    check_page(page)
    expect(page.get_by_text("You signed the agreement.")).to_be_visible()
    expect(page.get_by_text("Signed electronically by Jonas Becker")).to_be_visible()

    # The holder's signatory countersigns from the dashboard.
    holder = _as(browser, live_server, "holder@demo.example")
    try:
        visit(holder, "/dashboard/")
        section = holder.get_by_role("region", name="Agreements to countersign")
        section.get_by_role("link", name=title).click()
        check_page(holder)
        holder.get_by_label("Your password").fill("demo-pass-2026")
        holder.get_by_role("button", name="Countersign the agreement").click()
        check_page(holder)
        expect(holder.get_by_text("the agreement is in force")).to_be_visible()
    finally:
        holder.context.close()
    agreement.refresh_from_db()
    assert agreement.state == "in_force"

    # The researcher sees the new grant among theirs.
    visit(page, "/agreements/grants/")
    row = page.get_by_role("row").filter(has_text=dataset)
    expect(row.get_by_text("Active")).to_be_visible()
    row.get_by_role("link", name=dataset).click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(dataset)
    assert Grant.objects.filter(agreement=agreement, state="active").count() == 1
