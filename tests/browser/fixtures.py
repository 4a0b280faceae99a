"""Browser-test fixtures: Playwright (sync API) driving Debian's Chromium against the live server.

Registered for the whole suite from tests/conftest.py (`pytest_plugins`), so that any app's
browser tests use the same Chromium. Mark browser tests `@pytest.mark.browser`.

- `page`: a fresh browser context and tab per test, on a database in its freshly migrated state;
  every page the test loads is checked (see tests/browser/pages.py) and the test fails on
  serious accessibility problems, CSP violations, script errors and server errors.
- `demo`: the demo data of `seed_demo`, seeded into the test's database.
- `migrated_db`: the live-server database as right after `migrate` (what `page` uses).
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results" / "browser"

# The database as `migrate` left it, including rows that data migrations load (vocabularies);
# live-server tests empty the database after each test, so each one restores this first.
_MIGRATED_STATE: dict[str, str] = {}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    items = request.session.items
    if not any("migrated_db" in getattr(item, "fixturenames", ()) for item in items):
        return
    from django.db import connections

    with django_db_blocker.unblock():
        for alias in connections:
            _MIGRATED_STATE[alias] = connections[alias].creation.serialize_db_to_string()


@pytest.fixture(scope="session")
def browser(django_db_setup, live_server):
    # Depends on the live server so that Chromium closes (and drops its connections) first.
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium is not installed at {CHROMIUM}: install it (`apt-get install chromium`) "
            "or point PORTAL_CHROMIUM at a Chromium binary to run the browser tests."
        )
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; Django would otherwise
    # refuse database access from tests and fixtures "in an async context".
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # While that loop runs, Django also keeps database connections per async context instead
    # of per thread, and would open second ones: keep using this thread's connections.
    thread_connections = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in thread_connections.items():
            connections[alias] = connection
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def browser_settings(settings):
    """A cache of the test's own: allauth's rate limits and used-TOTP-code markers must not
    leak between tests, nor between xdist workers that share a Redis cache."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"browser-{uuid.uuid4().hex}",
        }
    }
    return settings


@pytest.fixture
def migrated_db(transactional_db, django_db_blocker):
    from django.apps import apps
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connections

    for alias, state in _MIGRATED_STATE.items():
        connection = connections[alias]
        # Earlier transactional tests leave the rows that post_migrate re-creates after a flush.
        call_command(
            "flush",
            database=alias,
            interactive=False,
            verbosity=0,
            reset_sequences=False,
            inhibit_post_migrate=True,
        )
        connection.creation.deserialize_db_from_string(state)
        # Restored rows keep their ids: move the sequences (PostgreSQL) past them.
        statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)


@pytest.fixture
def page(browser, live_server, migrated_db, browser_settings, request):
    from tests.browser.pages import check_page, watch

    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/Brussels"
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    log = watch(tab)
    yield tab

    call = getattr(request.node, "rep_call", None)
    try:
        if call is not None and call.failed:
            _save_artifacts(tab, request.node.nodeid)
        elif call is not None and call.passed:
            if log.loads and log.checked < len(log.loads):
                check_page(tab)
            problems = list(log.problems)
            if log.unchecked:
                problems.append(
                    "Pages loaded without an accessibility check (navigate with visit(), or "
                    "call check_page() after an action that loads a page): "
                    + ", ".join(log.unchecked)
                )
            if problems:
                pytest.fail("\n".join(problems), pytrace=False)
    finally:
        context.close()


def _save_artifacts(tab, nodeid: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid)
    try:
        tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.html").write_text(tab.content(), encoding="utf-8")
    except Exception:  # the page may be gone; the failure itself says what went wrong
        pass


@pytest.fixture
def demo(migrated_db):
    """The demo data of `seed_demo`, seeded into this test's database; returns its context."""
    from governance.core.demo import seed_all

    return seed_all()
