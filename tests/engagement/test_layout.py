"""Engagement's code stays in modules one can read through: none passes 700 lines (issue 16)."""

from pathlib import Path

import governance.engagement

LIMIT = 700


def test_no_engagement_module_passes_700_lines():
    root = Path(governance.engagement.__file__).parent
    too_long = {
        str(path.relative_to(root)): lines
        for path in root.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert too_long == {}


def test_the_split_packages_keep_their_old_names():
    from governance.engagement import api, services

    assert services.FieldInvalid is services.common.FieldInvalid
    assert services.response_submit.__module__ == "governance.engagement.services.surveys"
    assert callable(api.register)
    assert api.FieldProblems is api.common.FieldProblems
