"""Reviews builds on calls, never the other way: calls reaches the evaluation only through the
answers the reviews app registers in `calls.evaluation`."""

import ast
from pathlib import Path

import governance.calls

CALLS = Path(governance.calls.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_calls_imports_nothing_of_reviews():
    offenders = {
        str(path.relative_to(CALLS)): sorted(
            name
            for name in _imported_modules(path)
            if name == "governance.reviews" or name.startswith("governance.reviews.")
        )
        for path in CALLS.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_calls_reaches_the_evaluation_through_what_reviews_registered():
    from governance.calls.evaluation import WITHOUT_EVALUATION, evaluation
    from governance.reviews import selectors

    assert evaluation() is not WITHOUT_EVALUATION
    assert evaluation().missing_reviews is selectors.missing_reviews
