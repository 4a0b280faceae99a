"""`make audit` (scripts/audit.py): what it says of each kind of pip-audit answer."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("audit", ROOT / "scripts" / "audit.py")
assert _spec is not None and _spec.loader is not None
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)


def answer(*dependencies: dict) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def test_audit_reports_a_vulnerability_with_its_fixed_version_and_fails():
    status, text = audit.verdict(
        1,
        answer(
            {
                "name": "django",
                "version": "6.1",
                "vulns": [
                    {"id": "PYSEC-2027-1", "fix_versions": ["6.1.1"], "aliases": ["CVE-2027-1"]}
                ],
            },
            {"name": "celery", "version": "5.6.0", "vulns": []},
        ),
        "",
    )
    assert status == 1
    assert text.splitlines() == [
        "django 6.1: PYSEC-2027-1 (CVE-2027-1); fixed in: 6.1.1",
        "1 known vulnerability in 1 of 2 audited packages: see the README's Security section "
        "for what to do.",
    ]


def test_audit_passes_when_no_audited_package_is_vulnerable_and_names_the_skipped():
    status, text = audit.verdict(
        0,
        answer(
            {"name": "django", "version": "6.1", "vulns": []},
            {"name": "local-thing", "skip_reason": "Dependency not found on PyPI"},
        ),
        "",
    )
    assert status == 0
    assert text.splitlines() == [
        "not audited: local-thing (Dependency not found on PyPI)",
        "No known vulnerability in the 1 audited packages.",
    ]


def test_audit_says_nothing_was_audited_when_the_service_knows_no_package():
    status, text = audit.verdict(
        0, answer({"name": "django", "skip_reason": "Dependency not found on PyPI"}), ""
    )
    assert status == 0
    assert text.startswith(
        "NOT AUDITED: the advisory service could not be reached (it knew none of the 1 locked "
        "packages). Nothing was checked;"
    )


def test_audit_says_nothing_was_audited_without_a_connection():
    status, text = audit.verdict(
        1, "", "requests.exceptions.ConnectionError: Max retries exceeded with url: /v1/query"
    )
    assert status == 0
    assert text.startswith("NOT AUDITED: the advisory service could not be reached (no connection)")


def test_audit_fails_when_pip_audit_itself_fails():
    status, text = audit.verdict(1, "", "ERROR: invalid requirement: 'django=='")
    assert status == 2
    assert text == "pip-audit failed (exit 1):\nERROR: invalid requirement: 'django=='"
