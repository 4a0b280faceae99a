"""Consent in a real Chromium: the data holder records a withdrawal; a patient-organisation
representative reads the aggregated figures and a consent form in plain language, and never
sees a pseudonym. Every page is checked with axe-core and against the Content Security Policy."""

import re

import pytest
from playwright.sync_api import expect

from governance.consent.models import ConsentRecord
from tests.browser.pages import check_page, log_in, visit

pytestmark = pytest.mark.browser


def test_holder_records_a_withdrawal(page, demo):
    log_in(page, "holder@demo.example")
    visit(page, "/dashboard/")
    page.get_by_role("link", name="All consent records").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Consent records")

    page.get_by_role("link", name=re.compile("^Breast cancer screening")).click()
    check_page(page)
    expect(page.get_by_role("img", name="Withdrawals per month, last 12 months")).to_be_visible()
    page.get_by_role("link", name="MOIR-BR-0003", exact=True).click()
    check_page(page)

    page.get_by_label("Stop future use and remove the data where feasible").check()
    page.get_by_label("Reason (optional)").fill("Asked through the hospital's patient office.")
    page.get_by_role("button", name="Record the withdrawal").click()
    check_page(page)

    expect(page.get_by_text("The withdrawal is recorded.")).to_be_visible()
    expect(page.get_by_role("button", name="Record the withdrawal")).to_have_count(0)
    record = ConsentRecord.objects.get(pseudonym="MOIR-BR-0003")
    assert record.status == "withdrawn"
    assert record.withdrawal.scope == "removal"


def test_patient_organisation_reads_the_figures(page, demo):
    log_in(page, "patientorg@demo.example")
    visit(page, "/dashboard/")
    page.get_by_role("link", name="How many people consented and withdrew, per dataset").click()
    check_page(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Consent in figures")
    row = page.get_by_role("row", name=re.compile("^Breast cancer screening"))
    expect(row).to_contain_text("about 20")
    expect(row).to_contain_text("fewer than 5")
    assert "MOIR-BR" not in page.content()

    page.get_by_role("link", name=re.compile("Use of your medical images")).click()
    check_page(page)
    expect(
        page.get_by_text("Researchers must show the approval of an ethics committee.")
    ).to_be_visible()
    assert "MOIR-BR" not in page.content()
