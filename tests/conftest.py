"""Shared test setup. In CI (CI=true) a skipped database, worker or browser test is a failure."""

import os
import uuid

import pytest

from tests.factories import PASSWORD, UserFactory, person_with_role

IN_CI = os.environ.get("CI", "").lower() == "true"

# Chromium through Playwright for every app's browser tests: `browser`, `page`, `demo`.
pytest_plugins = ["tests.browser.fixtures"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _cache_of_its_own(settings):
    # Rate limits and used-code markers live in the cache. A shared cache (Redis in CI) outlives
    # the test's transaction and is shared by xdist workers: give each test its own key space.
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for name, config in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def _english_to_begin_with():
    # A request to a /es/ page leaves Spanish active in the thread, and reverse() follows the
    # active language: every test starts in the default language.
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def alice(db):
    """A person with no role."""
    return UserFactory(email="alice@example.org", full_name="Alice Example")


@pytest.fixture
def staff(db):
    """A staff member (TOTP not set up; use `staff_with_mfa` for pages that need it)."""
    return person_with_role("staff", person__email="staff@example.org")


@pytest.fixture
def staff_with_mfa(staff):
    from tests.mfa import give_totp

    give_totp(staff)
    return staff


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not IN_CI:
        return
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped:
        terminalreporter.write_line(
            f"CI: {len(skipped)} test(s) were skipped; in CI every database, worker and browser "
            "test must run.",
            red=True,
        )


def pytest_sessionfinish(session, exitstatus):
    if IN_CI and session.config.pluginmanager.get_plugin("terminalreporter"):
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter.stats.get("skipped") and exitstatus == 0:
            session.exitstatus = 1
