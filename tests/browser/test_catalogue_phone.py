"""The catalogue on a phone (390 by 844 CSS pixels): the results come first, the facets wait
behind a "Filters" control, a facet applies as soon as it is chosen, and each chosen filter shows
as a chip above the results that removes it."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import check_page, visit

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MRI = re.compile(r"^Magnetic resonance")


def _results(page: Page):
    return page.get_by_role("region", name=re.compile(r"^\d+ datasets?$"))


def _count(page: Page) -> int:
    return int(page.locator("#results-heading").inner_text().split()[0])


def test_catalogue_on_a_phone_shows_results_first_and_applies_a_chosen_facet(page, demo):
    page.set_viewport_size(PHONE)
    visit(page, "/catalogue/")
    total = _count(page)

    modalities = page.get_by_role("group", name="Imaging modality")
    expect(modalities).to_be_hidden()
    first = _results(page).get_by_role("listitem").first.get_by_role("link").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    expect(page.get_by_role("list", name="Chosen filters")).to_have_count(0)

    page.locator("summary", has_text="Filters").click()
    expect(modalities).to_be_visible()
    expect(page.get_by_text("A filter applies as soon as you choose it.")).to_be_visible()
    with page.expect_navigation():
        modalities.get_by_label(MRI).click()  # no "Apply filters"
    check_page(page)

    assert "modalities=MR" in page.url
    assert 0 < _count(page) < total
    chip = page.get_by_role(
        "link", name="Remove filter: Imaging modality Magnetic resonance imaging (MRI)"
    )
    expect(chip).to_be_visible()
    expect(page.get_by_role("group", name="Imaging modality")).to_be_hidden()
    expect(page.locator("#results-heading")).to_be_focused()

    chip.click()
    check_page(page)

    assert "modalities" not in page.url
    assert _count(page) == total
    expect(page.get_by_role("list", name="Chosen filters")).to_have_count(0)
    page.locator("summary", has_text="Filters").click()
    expect(page.get_by_role("group", name="Imaging modality").get_by_label(MRI)).not_to_be_checked()


def test_catalogue_on_a_wide_screen_shows_the_filters_beside_the_results(page, demo):
    page.set_viewport_size({"width": 1280, "height": 900})
    visit(page, "/catalogue/")

    modalities = page.get_by_role("group", name="Imaging modality")
    expect(modalities).to_be_visible()
    with page.expect_navigation():
        modalities.get_by_label(MRI).click()
    check_page(page)

    assert "modalities=MR" in page.url
    expect(page.get_by_role("group", name="Imaging modality").get_by_label(MRI)).to_be_focused()
    expect(
        page.get_by_role("link", name=re.compile("^Remove filter: Imaging modality"))
    ).to_be_visible()
