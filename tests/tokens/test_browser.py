"""Browser journeys: a researcher consents to a service; staff register one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from governance.tokens.models import ServiceAuthorization
from tests.browser.pages import check_page, log_in, visit
from tests.factories import PASSWORD, UserFactory, person_with_role
from tests.mfa import DEMO_TOTP_SECRET, give_totp
from tests.tokens.conftest import make_client

pytestmark = pytest.mark.browser


def test_researcher_authorises_a_service_and_withdraws_it(page, live_server, settings):
    # The service's redirect URI is the portal's home page, so the browser stays on the server.
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    }
    callback = f"{live_server.url}/"
    make_client(
        "processing",
        grant_types=["authorization_code"],
        scopes=["openid", "datasets"],
        redirect_uris=callback,
    )
    person = UserFactory(email="rosa@example.org", full_name="Rosa Researcher")
    log_in(page, person.email, PASSWORD)

    visit(
        page,
        "/oauth/authorize?response_type=code&client_id=processing&scope=openid%20datasets"
        f"&redirect_uri={callback}&state=xyz"
        "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Allow Processing to act for you?")
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(re.compile(r"\?.*code="))
    check_page(page)
    assert page.url.startswith(callback) and "state=xyz" in page.url
    assert ServiceAuthorization.objects.get(person=person).scopes == ["datasets", "openid"]

    visit(page, "/tokens/")
    page.get_by_role("button", name="Withdraw authorisation of Processing").click()
    check_page(page)
    expect(page.get_by_text("You have not authorised any service.")).to_be_visible()


def test_staff_register_a_service_and_copy_its_secret(page):
    staff = person_with_role("staff", person__email="ops@example.org")
    give_totp(staff)
    log_in(page, staff.email, PASSWORD, totp_secret=DEMO_TOTP_SECRET)

    visit(page, "/tokens/clients/new/")
    page.get_by_role("textbox", name="Name:").fill("Download service")
    page.get_by_label("Audience").fill("https://download.example")
    page.get_by_label("Client credentials (service to service)").check()
    page.get_by_label("datasets: Use the datasets you are granted, through this service").check()
    page.get_by_label("Download access").check()
    page.get_by_role("button", name="Register").click()
    check_page(page)
    expect(page.get_by_text("Copy the secret now")).to_be_visible()

    visit(page, "/tokens/clients/")
    expect(page.get_by_role("link", name="Download service")).to_be_visible()

    # Change what the service serves, then give it a webhook and copy the webhook secret.
    page.get_by_role("link", name="Download service").click()
    check_page(page)
    page.get_by_role("link", name="Change the settings").click()
    check_page(page)
    page.get_by_label("Remote processing").check()
    page.get_by_label("Webhook URL").fill("https://download.example/hooks/portal")
    page.get_by_role("button", name="Save the settings").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhook signing secret")
    expect(page.get_by_text("live tokens were revoked")).to_be_visible()
    page.get_by_role("link", name="Done").click()
    check_page(page)
    expect(page.get_by_text("download, remote_processing")).to_be_visible()
    page.get_by_role("button", name="Rotate the webhook secret").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("New webhook signing secret")
