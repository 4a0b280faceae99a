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


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function (`from a import b`: a.b too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def services_modules() -> list[Path]:
    return sorted(
        path
        for path in GOVERNANCE.rglob("*.py")
        if path.stem.startswith("services") or "services" in path.relative_to(GOVERNANCE).parts
    )


def test_services_never_import_tasks():
    # Tasks import services; a service that wants work done after commit sends a signal that the
    # app's tasks module listens to.
    importing_tasks = {
        str(path.relative_to(GOVERNANCE)): sorted(
            name for name in imported_modules(path) if name.split(".")[-1] == "tasks"
        )
        for path in services_modules()
    }
    assert {module: names for module, names in importing_tasks.items() if names} == {}


def test_the_tasks_scan_sees_a_tasks_import():
    # The scan itself must be able to fail: the calls tasks module imports the calls services, and
    # the calls and agreements services are packages that the scan finds.
    tasks = imported_modules(GOVERNANCE / "calls" / "tasks.py")
    assert "governance.calls.services" in tasks
    found = {str(path.relative_to(GOVERNANCE)) for path in services_modules()}
    assert {"calls/services/decisions.py", "agreements/services/drafting.py"} <= found
