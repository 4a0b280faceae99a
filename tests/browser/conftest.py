"""Browser tests. Their fixtures (`browser`, `page`, `demo`, `migrated_db`) live in
tests/browser/fixtures.py, registered for the whole suite from tests/conftest.py; the helpers
that navigate and check pages are in tests/browser/pages.py."""
