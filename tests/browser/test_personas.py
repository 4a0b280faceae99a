"""Each demo persona signs in through the real form and sees the dashboard for their roles."""

import pytest
from playwright.sync_api import expect

from governance.core.demo import DEMO_TOTP_SECRET
from tests.browser.pages import check_page, fresh_totp_code, log_in, visit

pytestmark = pytest.mark.browser

# email, role value, role label shown in "Your roles", needs a second factor
PERSONAS = [
    ("admin@demo.example", "staff", "Staff", True),
    ("applicant@demo.example", "applicant", "Applicant", False),
    ("evaluator1@demo.example", "evaluator", "Evaluator", False),
    ("evaluator2@demo.example", "evaluator", "Evaluator", False),
    ("chair@demo.example", "call_chair", "Call chair", True),
    ("holder@demo.example", "data_holder", "Data holder", False),
    ("committee@demo.example", "committee_member", "Access committee member", True),
    ("researcher@demo.example", "researcher", "Researcher", False),
    ("patientorg@demo.example", "patient_org_rep", "Patient-organisation representative", False),
]


@pytest.mark.parametrize(
    ("email", "role", "role_label", "needs_mfa"),
    PERSONAS,
    ids=[p[0].split("@")[0] for p in PERSONAS],
)
def test_persona_signs_in_and_sees_the_dashboard_for_their_role(
    page, demo, email, role, role_label, needs_mfa
):
    person = demo[f"person.{email.split('@')[0]}"]

    log_in(page, email, totp_secret=DEMO_TOTP_SECRET if needs_mfa else None)

    expect(page).to_have_url(f"{page.url.split('/dashboard/')[0]}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {person.get_short_name()}")
    badges = page.locator(".role-list .badge")
    expect(badges).to_have_text([role_label])
    role_sections = page.locator("section[data-role]")
    shown = {role_sections.nth(i).get_attribute("data-role") for i in range(role_sections.count())}
    if shown:  # the apps' dashboard modules contribute sections per role
        assert role in shown
        assert shown <= {role}, f"{email} sees sections for roles they do not hold: {shown}"
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_persona_who_needs_a_second_factor_cannot_pass_with_a_wrong_code(page, demo):
    visit(page, "/accounts/login/")
    page.get_by_label("Email").fill("chair@demo.example")
    page.get_by_label("Password").fill("demo-pass-2026")
    page.get_by_role("button", name="Sign in").click()
    check_page(page)

    right_code = fresh_totp_code(DEMO_TOTP_SECRET)
    page.get_by_label("Code").fill(f"{(int(right_code) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Sign in").click()
    check_page(page)

    expect(page.get_by_text("Incorrect code").first).to_be_visible()
    visit(page, "/dashboard/")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Welcome")
