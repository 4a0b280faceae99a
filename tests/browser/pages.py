"""Driving the portal in Chromium: navigation that checks every page it lands on.

Every page a browser test loads is checked with axe-core: a violation of impact "serious" or
"critical" fails the test with the rule, its help text and the offending elements. Navigate with
`visit(page, path)`; after an action that loads a new page (submitting a form, following a link)
call `check_page(page)`. The `page` fixture fails a test that loaded a page without checking it,
that broke the Content Security Policy, raised a JavaScript error, or got a server error.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from governance.core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tests.mfa import current_code

BLOCKING_IMPACTS = frozenset({"serious", "critical"})
# WCAG 2.1 A/AA plus axe's best practices; only serious and critical findings fail a test.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
}

# axe-core is injected with page.evaluate, i.e. through the DevTools protocol, which the page's
# Content Security Policy does not govern: the CSP stays on, and its violations fail tests.
_axe = Axe()


@dataclass
class PageLog:
    """What happened in one test's browser tab."""

    loads: list[str] = field(default_factory=list)
    checked: int = 0  # how many of `loads` the last accessibility check covered
    unchecked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


_logs: WeakKeyDictionary[Page, PageLog] = WeakKeyDictionary()


def watch(page: Page) -> PageLog:
    """Record the page's loads, CSP violations, script errors and failed requests."""
    log = PageLog()
    _logs[page] = log
    page.on("load", lambda p: log.loads.append(p.url))
    page.on("console", lambda message: _on_console(log, message))
    page.on("pageerror", lambda error: log.problems.append(f"JavaScript error: {error}"))
    page.on("response", lambda response: _on_response(log, response))
    return log


def _on_console(log: PageLog, message) -> None:
    if message.type == "error" and "Content Security Policy" in message.text:
        log.problems.append(f"Content Security Policy violation: {message.text}")


def _on_response(log: PageLog, response) -> None:
    if response.status >= 500:
        log.problems.append(f"Server error {response.status} at {response.url}")
    elif response.status >= 400 and response.request.resource_type != "document":
        # A page may answer 4xx on purpose; a stylesheet, image or script may not.
        log.problems.append(
            f"{response.request.resource_type} {response.url} answered {response.status}"
        )


def log_of(page: Page) -> PageLog:
    return _logs[page]


def visit(page: Page, path: str) -> None:
    """Open `path` (relative to the live server) and check the page it shows."""
    page.goto(path)
    check_page(page)


def check_page(page: Page) -> None:
    """Check the page now shown for accessibility; fails the test on serious problems."""
    page.wait_for_load_state("load")
    log = _logs.get(page)
    if log is not None:
        # Pages loaded since the last check and already left again were never checked.
        log.unchecked.extend(log.loads[log.checked : -1])
        log.checked = len(log.loads)
    if page.evaluate("document.contentType") != "text/html":
        return
    violations = _axe.run(page, options=AXE_OPTIONS).response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        pytest.fail(axe_report(page.url, blocking), pytrace=False)


def axe_report(url: str, violations: list[dict]) -> str:
    lines = [f"Accessibility: {len(violations)} serious or critical problem(s) on {url}"]
    for violation in violations:
        lines.append("")
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"  * {target}")
            lines.append(f"    {node['html'][:300]}")
            summary = node.get("failureSummary", "").replace("\n", "\n      ")
            if summary:
                lines.append(f"    {summary}")
        if len(violation["nodes"]) > 10:
            lines.append(f"  … and {len(violation['nodes']) - 10} more element(s)")
    return "\n".join(lines)


def fresh_totp_code(secret: str = DEMO_TOTP_SECRET) -> str:
    """The current code, waiting for the next period if this one is about to end."""
    if 30 - time.time() % 30 < 2:
        time.sleep(30 - time.time() % 30 + 0.1)
    return current_code(secret)


def log_in(
    page: Page,
    email: str,
    password: str = DEMO_PASSWORD,
    *,
    totp_secret: str | None = None,
) -> None:
    """Sign in through the real form; with `totp_secret`, answer the second-factor step too.

    allauth refuses a code used before within its period, so sign a person in once per test.
    """
    visit(page, "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    check_page(page)
    if totp_secret is not None:
        code_field = page.get_by_label("Code")
        expect(code_field).to_be_visible()
        code_field.fill(fresh_totp_code(totp_secret))
        page.get_by_role("button", name="Sign in").click()
        check_page(page)
