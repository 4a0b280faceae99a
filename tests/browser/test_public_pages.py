import pytest
from playwright.sync_api import expect

from tests.browser.pages import check_page, visit

pytestmark = pytest.mark.browser


def test_home_page_explains_the_portal_to_a_visitor(page):
    visit(page, "/")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("cancer images")
    for audience in ["Applicants", "Data holders", "Researchers", "Patients and the public"]:
        expect(page.get_by_role("heading", name=audience, exact=True)).to_be_visible()
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="Sign in")).to_be_visible()
    expect(navigation.get_by_role("link", name="Dashboard")).to_have_count(0)


def test_language_switcher_switches_the_home_page_to_spanish_and_back(page):
    visit(page, "/")

    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()
    check_page(page)

    expect(page).to_have_url(f"{page.url.split('/es/')[0]}/es/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_contain_text("imágenes")
    expect(page.get_by_role("link", name="Iniciar sesión").first).to_be_visible()

    page.get_by_label("Idioma").select_option("en")
    page.get_by_role("button", name="Cambiar").click()
    check_page(page)

    assert not page.url.rstrip("/").endswith("/es")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("cancer images")


def test_login_tabs_from_email_to_password_then_to_the_button(page):
    visit(page, "/accounts/login/")

    page.get_by_label("Email").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # "Remember me"
    expect(page.get_by_role("button", name="Sign in")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Forgot your password?")).to_be_focused()


def test_login_with_a_wrong_password_says_so_and_stays_signed_out(page, demo):
    visit(page, "/accounts/login/")

    page.get_by_label("Email").fill("applicant@demo.example")
    page.get_by_label("Password").fill("not-the-demo-password")
    page.get_by_role("button", name="Sign in").click()
    check_page(page)

    expect(
        page.get_by_text("email address and/or password you specified are not correct")
    ).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()
    visit(page, "/dashboard/")
    expect(page).to_have_url(f"{page.url.split('/accounts/')[0]}/accounts/login/?next=/dashboard/")
