"""Account journeys in a real Chromium: two-factor setup, API tokens, export, erasure, roles.

The `browser` and `page` fixtures come from tests/browser/fixtures.py: every page is checked
with axe-core and against the Content Security Policy.
"""

import json
import re

import pytest
import requests
from playwright.sync_api import expect

from governance.accounts.models import ErasureRequest, Membership, User
from tests.browser.pages import check_page, fresh_totp_code, log_in, visit
from tests.factories import PASSWORD, OrganisationFactory, UserFactory, person_with_role
from tests.mfa import give_totp

pytestmark = pytest.mark.browser


def test_staff_member_sets_up_two_factor_on_first_sign_in(page):
    staff = person_with_role("staff", person__email="new-staff@example.org")

    log_in(page, staff.email, PASSWORD)
    # The role needs a second factor: allauth asks for the password again, then the setup page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Access")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    expect(page.get_by_text("requires two-factor authentication")).to_be_visible()

    secret = page.locator("#authenticator-secret").inner_text().strip()
    page.get_by_label("Authenticator code").fill(fresh_totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    expect(page.locator("ul.secret li")).to_have_count(10)

    visit(page, "/account/")
    expect(page.get_by_text("On: authenticator app")).to_be_visible()
    visit(page, "/dashboard/")
    # Several apps give staff a section; the first is the accounts one.
    expect(page.locator('section[data-role="staff"]').first).to_be_visible()


def test_person_creates_uses_and_revokes_an_api_token_and_downloads_their_data(page, live_server):
    person = UserFactory(email="scripted@example.org", full_name="Script Writer")
    log_in(page, person.email, PASSWORD)

    visit(page, "/account/")
    page.get_by_label("Name:", exact=True).fill("analysis notebook")
    page.get_by_label("Valid for (days)").fill("7")
    page.get_by_role("button", name="Create token").click()
    check_page(page)
    expect(page.get_by_text("this is the only time it is shown")).to_be_visible()
    secret = page.locator("p.secret code").inner_text().strip()
    assert secret.startswith("gpt_")

    api = f"{live_server.url}/api/v1/me/"
    response = requests.get(api, headers={"Authorization": f"Bearer {secret}"}, timeout=10)
    assert response.status_code == 200
    assert response.json()["email"] == "scripted@example.org"

    page.get_by_role("link", name="I have stored it: back to my account").click()
    check_page(page)
    expect(page.get_by_text(secret)).to_have_count(0)
    row = page.get_by_role("row", name=re.compile("analysis notebook"))
    expect(row.get_by_text("Active")).to_be_visible()
    row.get_by_role("button", name="Revoke the token analysis notebook").click()
    check_page(page)
    expect(page.get_by_text("no longer works")).to_be_visible()
    response = requests.get(api, headers={"Authorization": f"Bearer {secret}"}, timeout=10)
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data").click()
    download = download_info.value
    assert download.suggested_filename.startswith("my-data-")
    document = json.loads(open(download.path(), encoding="utf-8").read())  # noqa: SIM115
    accounts = document["data"]["accounts"]
    assert accounts["profile"]["full_name"] == "Script Writer"
    assert accounts["api_tokens"][0]["revoked_at"] is not None


def test_erasure_is_asked_for_and_completed_by_staff(browser, page, live_server):
    person = UserFactory(email="leaving@example.org")
    log_in(page, person.email, PASSWORD)
    visit(page, "/account/erasure/")
    page.get_by_label("Reason (optional)").fill("I left the project.")
    page.get_by_label(re.compile("I understand")).check()
    page.get_by_role("button", name="Send my erasure request").click()
    check_page(page)
    expect(page.get_by_text("Staff have not decided yet")).to_be_visible()
    request = ErasureRequest.objects.get(person=person)

    staff = person_with_role("staff", person__email="dpo@example.org")
    give_totp(staff)
    staff_context = browser.new_context(base_url=live_server.url)
    staff_page = staff_context.new_page()
    from tests.browser.pages import watch

    watch(staff_page)
    try:
        log_in(staff_page, staff.email, PASSWORD, totp_secret="JBSWY3DPEHPK3PXP")
        staff_page.get_by_role("link", name="Erasure requests waiting: 1").click()
        check_page(staff_page)
        staff_page.get_by_role("link", name=f"Request #{request.pk}").click()
        check_page(staff_page)
        expect(staff_page.get_by_text("I left the project.")).to_be_visible()
        staff_page.get_by_label("Complete: erase this person now").check()
        staff_page.get_by_role("button", name="Record the decision").click()
        check_page(staff_page)
        expect(staff_page.get_by_text("The person is erased.")).to_be_visible()
    finally:
        staff_context.close()

    person = User.objects.get(pk=person.pk)
    assert person.email == f"erased-{person.pk}@erased.invalid" and not person.is_active
    visit(page, "/account/")  # the person's session is gone
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_staff_adds_an_organisation_and_gives_a_role(page):
    staff = person_with_role("staff", person__email="roles@example.org")
    give_totp(staff)
    colleague = UserFactory(email="radiologist@example.org")
    OrganisationFactory(name="Existing Hospital", country="FR")
    log_in(page, staff.email, PASSWORD, totp_secret="JBSWY3DPEHPK3PXP")

    visit(page, "/account/organisations/")
    page.get_by_label("Country").select_option("FR")
    page.get_by_role("button", name="Filter").click()
    check_page(page)
    expect(page.get_by_role("link", name="Existing Hospital")).to_be_visible()

    page.get_by_role("link", name="Add an organisation").click()
    check_page(page)
    page.get_by_label("Name:", exact=True).fill("Centre Léon Bérard")
    page.get_by_label("Country").select_option("FR")
    page.get_by_label("Provider type").select_option("clinical_centre")
    page.get_by_role("button", name="Add organisation").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Centre Léon Bérard")

    page.get_by_label("Email address of the person").fill("nobody@example.org")
    page.get_by_role("button", name="Add role").click()
    check_page(page)
    expect(page.get_by_text("Ask them to create one")).to_be_visible()
    page.get_by_label("Email address of the person").fill(colleague.email)
    page.get_by_label("Role").select_option("data_holder")
    page.get_by_role("button", name="Add role").click()
    check_page(page)
    row = page.get_by_role("row", name=re.compile("radiologist@example.org"))
    expect(row.get_by_text("Data holder")).to_be_visible()
    assert Membership.objects.filter(person=colleague, role="data_holder").exists()

    row.get_by_role("button", name=re.compile("Remove the role")).click()
    check_page(page)
    expect(page.get_by_text("no longer holds the role")).to_be_visible()
    assert not Membership.objects.filter(person=colleague).exists()
