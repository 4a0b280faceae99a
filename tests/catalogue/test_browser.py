"""The catalogue in a real Chromium: a data holder registers a dataset and publishes its
availability statement; a signed-out visitor finds it and reads the plain-language version.

The `page` and `demo` fixtures come from tests/browser/fixtures.py: every page is checked with
axe-core and against the Content Security Policy.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from governance.catalogue.models import AvailabilityStatement, Dataset
from tests.browser.pages import check_page, log_in, visit, watch

pytestmark = pytest.mark.browser

TITLE = "Neuroblastoma MRI follow-up, Milan 2012 to 2022"
PERSISTENT_URL = "https://doi.org/10.99999/demo-neuroblastoma-mri"


def _register_dataset(page: Page) -> None:
    visit(page, "/dashboard/")
    page.get_by_role("link", name="Register a dataset").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Register a dataset")

    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Persistent identifier").fill(PERSISTENT_URL)
    page.get_by_label("Description").fill(
        "Whole-body and abdominal MRI of children treated for neuroblastoma, 2012 to 2022."
    )
    cancer_types = page.get_by_role("group", name="Cancer types")
    cancer_types.get_by_label("Neuroblastoma", exact=True).check()
    modalities = page.get_by_role("group", name="Imaging modalities")
    modalities.get_by_label("Magnetic resonance imaging (MRI)").check()
    modalities.get_by_label("Computed tomography (CT)").check()
    page.get_by_label("Number of subjects").fill("240")
    page.get_by_label("Number of imaging studies").fill("610")
    page.get_by_label("Real-world clinical practice").check()
    page.get_by_label(re.compile(r"Federated only \(the data never leaves")).check()
    page.get_by_role("button", name="Register the dataset").click()
    check_page(page)

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("The dataset is registered.")).to_be_visible()
    expect(page.get_by_text("Not published yet")).to_be_visible()


def _write_statement_with_a_contradiction(page: Page) -> None:
    page.get_by_role("button", name="Write the availability statement").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("version 1 (draft)")

    page.get_by_label("Proprietary data").check()
    page.get_by_label("Proprietor").fill("Fondazione Pediatrica Lombarda")
    page.get_by_label("Restricted").check()
    conditions = page.get_by_role("group", name="Access conditions")
    conditions.get_by_label("Download access").check()  # the data never leaves the hospital
    conditions.get_by_label("In-situ processing").check()
    permission = page.get_by_label("Data-use permission (DUO)")
    permission.select_option(label="DS — disease specific research")
    page.get_by_label("Disease (for disease-specific research)").select_option(
        label="Neuroblastoma"
    )
    page.get_by_label("Access committee").fill("MOIR Data Access Committee")
    page.get_by_label("Contact email").fill("access@moir.example")
    page.get_by_role("group", name="Modifier 1").get_by_label("Modifier (DUO)").select_option(
        label="NCU — non-commercial use only"
    )
    page.get_by_role("button", name="Save the draft").click()
    check_page(page)
    expect(page.get_by_text("The draft is saved.")).to_be_visible()


def test_holder_publishes_a_statement_and_visitor_reads_it_in_plain_words(
    page, demo, browser, live_server
):
    log_in(page, "holder@demo.example")
    _register_dataset(page)
    _write_statement_with_a_contradiction(page)

    # The draft contradicts its dataset: the page refuses to publish it and says why.
    before = page.get_by_role("region", name="Before you publish")
    expect(before.get_by_text("The saved draft contradicts itself")).to_be_visible()
    expect(
        before.get_by_role("link", name=re.compile("cannot be offered for download"))
    ).to_be_visible()
    expect(before.get_by_role("button", name="Publish this version")).to_have_count(0)

    page.get_by_role("group", name="Access conditions").get_by_label("Download access").uncheck()
    page.get_by_role("button", name="Save the draft").click()
    check_page(page)
    expect(
        before.get_by_text("The saved draft is consistent and can be published.")
    ).to_be_visible()
    expect(
        page.get_by_role("group", name="Modifier 1").get_by_label("Modifier (DUO)")
    ).to_have_value("DUO:0000046")
    before.get_by_role("button", name="Publish this version").click()
    check_page(page)
    expect(page.get_by_text("Version 1 is published; the catalogue now shows it.")).to_be_visible()
    dataset = Dataset.objects.get(persistent_url=PERSISTENT_URL)
    assert dataset.current_statement.state == AvailabilityStatement.State.PUBLISHED

    # A visitor, signed out, finds it in the catalogue and reads the plain-language version.
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    visitor = context.new_page()
    watch(visitor)
    try:
        visit(visitor, "/catalogue/")
        expect(visitor.get_by_role("button", name="Sign out")).to_have_count(0)
        # Each filter applies as soon as it is chosen (the page reloads with it).
        cancer_types = visitor.get_by_role("group", name="Cancer type")
        with visitor.expect_navigation():
            cancer_types.get_by_label(re.compile("Neuroblastoma")).check()
        check_page(visitor)
        with visitor.expect_navigation():
            visitor.get_by_role("group", name="Hosting").get_by_label(
                re.compile("Federated only")
            ).check()
        check_page(visitor)
        results = visitor.get_by_role("region", name=re.compile(r"^\d+ datasets?$"))
        card = results.get_by_role("listitem").filter(has_text=TITLE)
        expect(card.get_by_text("Proprietary")).to_be_visible()
        expect(card.get_by_text("Federated only")).to_be_visible()
        card.get_by_role("link", name=TITLE).click()
        check_page(visitor)

        expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
        plain = visitor.get_by_role("region", name="In plain words")
        expect(
            plain.get_by_text("Proprietary · federated only · restricted access")
        ).to_be_visible()
        expect(
            plain.get_by_text(
                "Federated only: the images never leave Milan Oncology Imaging Repository.",
                exact=False,
            )
        ).to_be_visible()
        expect(
            plain.get_by_text(
                "This is proprietary data: it belongs to Fondazione Pediatrica Lombarda."
            )
        ).to_be_visible()
        expect(
            plain.get_by_text("The data may be used only for research on neuroblastoma.")
        ).to_be_visible()
        expect(plain.get_by_text("Only non-commercial use is allowed.")).to_be_visible()
        expect(
            plain.get_by_text("Approved researchers may analyse the data where it is held.")
        ).to_be_visible()
        expect(plain.get_by_text("may download")).to_have_count(0)
        expect(
            plain.get_by_text("Requests are decided by MOIR Data Access Committee.")
        ).to_be_visible()
        expect(visitor.get_by_role("link", name="Edit the dataset")).to_have_count(0)
    finally:
        context.close()
