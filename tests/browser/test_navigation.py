"""The header in Chromium: the areas a persona works in, and a language switcher that stays on
the first row however many areas there are."""

import pytest
from playwright.sync_api import expect

from governance.core.demo import DEMO_TOTP_SECRET
from tests.browser.pages import check_page, log_in, visit

pytestmark = pytest.mark.browser


def _top(page, selector: str) -> float:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box["y"]


@pytest.mark.parametrize("width", [1280, 1024, 390])
def test_language_switcher_stays_beside_the_brand_when_signed_in(page, demo, width):
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, "admin@demo.example", totp_secret=DEMO_TOTP_SECRET)  # the most areas
    visit(page, "/dashboard/")

    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Audit trail")).to_be_visible()
    brand = page.locator(".brand").bounding_box()
    switcher = page.locator(".language-switcher").bounding_box()
    assert brand is not None and switcher is not None
    # On one row: the switcher's box overlaps the brand's vertically.
    assert switcher["y"] < brand["y"] + brand["height"]
    assert brand["y"] < switcher["y"] + switcher["height"]
    assert _top(page, ".main-nav") >= switcher["y"] + switcher["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_current_area_is_marked_for_the_persona(page, demo):
    log_in(page, "researcher@demo.example")

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Services").click()
    check_page(page)

    expect(nav.locator('[aria-current="page"]')).to_have_text("Services")
