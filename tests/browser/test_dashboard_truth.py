"""What each persona's dashboard says agrees with what the API says to the same person.

Signed in through the real form, each demo persona reads their dashboard; the figures and the
lists on it are checked against the API answered to the same browser session (the page's own
cookies), and every page the dashboard links to opens and passes the accessibility check.
A section never says that nothing waits while it, or another section of its role, lists
something.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from governance.core.demo import DEMO_TOTP_SECRET
from tests.browser.pages import check_page, log_in, visit

pytestmark = pytest.mark.browser

NOTHING_WAITS = "Nothing waits for you yet."


def _api(page: Page, path: str) -> list[dict]:
    results: list[dict] = []
    url: str | None = path
    while url:
        response = page.request.get(url)
        assert response.ok, f"{url}: {response.status}"
        body = response.json()
        if isinstance(body, list):
            return body
        if "results" not in body:
            return [body]  # one object (/api/v1/me/)
        results += body["results"]
        url = body.get("next")
    return results


def _sections(page: Page) -> dict[str, dict]:
    """Each dashboard section by its heading: its items' texts, its links, its muted notes."""
    found = {}
    for section in page.locator("section.dashboard-section").all():
        title = section.locator("h2").inner_text().strip()
        lists = section.locator("ul:not(.section-links)")
        items = lists.first.locator("li").all_inner_texts() if lists.count() else []
        found[title] = {
            "role": section.get_attribute("data-role"),
            "items": [text.strip() for text in items],
            "links": {
                link.inner_text().strip(): link.get_attribute("href")
                for link in section.locator("ul.section-links a").all()
            },
            "text": section.inner_text(),
        }
    return found


def _titles(items: list[str]) -> set[str]:
    return {item.split(" — ")[-1] for item in items}


def _check_applicant(page, sections, me):
    waiting = [
        p["title"]
        for p in _api(page, "/api/v1/proposals/")
        if p["state"] not in ("withdrawn", "rejected")
    ]
    shown = sections["Your proposals"]["items"]
    assert len(shown) == len(waiting)
    assert all(any(item.startswith(title) for item in shown) for title in waiting)


def _check_evaluator(page, sections, me):
    drafts = [r for r in _api(page, "/api/v1/reviews/") if r["state"] == "draft"]
    assert len(sections["Proposals to evaluate"]["items"]) == len(drafts) >= 1


def _check_chair(page, sections, me):
    calls = {c["title"] for c in _api(page, "/api/v1/calls/")}
    assert set(sections["Calls you chair"]["items"]) == calls


def _check_holder(page, sections, me):
    waiting = [a for a in _api(page, "/api/v1/agreements/") if a["state"] == "signed_by_researcher"]
    assert len(sections["Agreements to countersign"]["items"]) == len(waiting)


def _check_committee(page, sections, me):
    open_requests = {
        r["title"]
        for r in _api(page, "/api/v1/access-requests/")
        if r["state"] in ("submitted", "under_review")
    }
    shown = sections["Access requests to review"]["items"]
    assert shown and all(any(title in item for title in open_requests) for item in shown)


def _check_researcher(page, sections, me):
    open_requests = [
        r["title"]
        for r in _api(page, "/api/v1/access-requests/")
        if r["state"] in ("draft", "returned", "submitted", "under_review")
    ]
    shown = sections["Your access requests"]["items"]
    assert len(shown) == len(open_requests)
    assert all(any(item.startswith(title) for item in shown) for title in open_requests)

    active = [g for g in _api(page, "/api/v1/grants/?standing=active") if g["person"] == me["id"]]
    links = sections["Your agreements and grants"]["links"]
    (label,) = [text for text in links if text.startswith("Your active grants")]
    assert int(label.rsplit(": ", 1)[1]) == len(active) >= 1
    visit(page, links[label])
    caption = page.locator("table caption").inner_text()
    assert int(re.match(r"\d+", caption).group()) == len(active)


def _check_patient_org(page, sections, me):
    open_surveys = {s["title"] for s in _api(page, "/api/v1/surveys/") if s["state"] == "open"}
    text = " ".join(item for s in sections.values() for item in s["items"])
    assert open_surveys and all(title in text for title in open_surveys)


def _check_staff(page, sections, me):
    pending = [r for r in _api(page, "/api/v1/erasure-requests/") if r["state"] == "requested"]
    links = sections["Staff"]["links"]
    (label,) = [text for text in links if text.startswith("Erasure requests waiting")]
    assert int(label.rsplit(": ", 1)[1]) == len(pending)
    assert len(sections["Staff"]["items"]) == min(len(pending), 5)


PERSONAS = [
    ("admin@demo.example", True, _check_staff),
    ("applicant@demo.example", False, _check_applicant),
    ("evaluator1@demo.example", False, _check_evaluator),
    ("chair@demo.example", True, _check_chair),
    ("holder@demo.example", False, _check_holder),
    ("committee@demo.example", True, _check_committee),
    ("researcher@demo.example", False, _check_researcher),
    ("patientorg@demo.example", False, _check_patient_org),
]


@pytest.mark.parametrize(
    ("email", "needs_mfa", "check"), PERSONAS, ids=[p[0].split("@")[0] for p in PERSONAS]
)
def test_dashboard_agrees_with_the_api_and_its_links_open(page, demo, email, needs_mfa, check):
    log_in(page, email, totp_secret=DEMO_TOTP_SECRET if needs_mfa else None)
    visit(page, "/dashboard/")
    sections = _sections(page)
    (me,) = _api(page, "/api/v1/me/")

    # Nothing waits only when nothing of the role waits.
    for title, section in sections.items():
        if NOTHING_WAITS in section["text"]:
            same_role = [s for s in sections.values() if s["role"] == section["role"]]
            assert not any(s["items"] for s in same_role), f"{title} says nothing waits"

    links = {href for s in sections.values() for href in s["links"].values()}
    links |= {
        href
        for href in page.locator("section.dashboard-section li > a").evaluate_all(
            "anchors => anchors.map(a => a.getAttribute('href'))"
        )
    }
    check(page, sections, me)
    for href in sorted(links):
        response = page.goto(href)
        assert response is not None and response.ok, f"{href}: {response and response.status}"
        check_page(page)
