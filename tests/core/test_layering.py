"""The layering that docs/architecture.md describes, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import governance

GOVERNANCE = Path(governance.__file__).parent


def governance_imports(package: str) -> dict[str, set[str]]:
    """For each module of `governance.<package>`, the governance contexts it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted((GOVERNANCE / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        contexts = {
            name.split(".")[1]
            for name in names
            if name.startswith("governance.") and name.count(".") >= 1
        }
        found[str(path.relative_to(GOVERNANCE))] = contexts
    return found


def test_core_imports_nothing_above_it():
    above = {
        module: contexts - {"core"}
        for module, contexts in governance_imports("core").items()
        if contexts - {"core"}
    }
    assert above == {}


def test_the_scan_sees_imports_of_other_contexts():
    # The scan itself must be able to fail: the accounts context imports core.
    assert "core" in set().union(*governance_imports("accounts").values())
