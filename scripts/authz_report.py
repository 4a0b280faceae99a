"""Print the authorization matrix as a report an access committee can audit.

`make authz-report` runs this. It runs tests/authz/test_matrix.py (the demo data, every endpoint
of the table as every demo persona and a visitor) with AUTHZ_REPORT pointing at a temporary
file, then prints personas x endpoints as a Markdown table: what each persona gets on each
endpoint and object, `!` where the code disagrees with the rules (the row says why). The totals
go to bench/results.json under `security.authz` (the other keys stay as they are). Exit status 1
when the test failed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
PYTEST = Path(sys.executable).parent / "pytest"
PERSONAS = [
    "anonymous",
    "admin",
    "applicant",
    "evaluator1",
    "evaluator2",
    "chair",
    "holder",
    "committee",
    "researcher",
    "patientorg",
]
SHORT = {"allowed": "yes", "login": "login", "mfa": "2FA"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-results", action="store_true", help="do not write bench/results.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portal-authz-") as tmp:
        target = Path(tmp) / "cells.json"
        completed = subprocess.run(  # noqa: S603 # our own pytest
            [str(PYTEST), "tests/authz/test_matrix.py", "-q", "-p", "no:randomly"],
            cwd=ROOT,
            env={**os.environ, "AUTHZ_REPORT": str(target)},
            capture_output=True,
            text=True,
        )
        if not target.exists():
            print(completed.stdout[-20000:], completed.stderr[-5000:], sep="\n")
            return 1
        data = json.loads(target.read_text())
    cells = [cell for key, value in data.items() if key.startswith("area:") for cell in value]
    print(render(cells, data.get("coverage", {})))
    summary = summarise(cells, data.get("coverage", {}), passed=completed.returncode == 0)
    if completed.returncode:
        print(completed.stdout[-20000:])
    if not args.no_results:
        merge_results(summary)
    return completed.returncode


def _label(cell: dict) -> str:
    shown = SHORT.get(str(cell["actual"]), str(cell["actual"]))
    if not cell["agrees"]:
        return f"{shown}!"
    return shown


def render(cells: list[dict], coverage: dict) -> str:
    rows: dict[tuple[str, str], dict[str, dict]] = {}
    for cell in cells:
        key = (
            cell["endpoint"] + ("" if " " in cell["endpoint"] else f" {cell['method']}"),
            cell["subject"] or "",
        )
        rows.setdefault(key, {})[cell["persona"]] = cell
    lines = [
        "# Authorization matrix",
        "",
        "What each demo persona (and an anonymous visitor) gets on each endpoint, asked of the "
        "running code. `yes`: allowed (for a write with an empty body: reached the form or the "
        "validation); `login`: sent to sign in; 401/403/404/405: refused. `!`: the code "
        "disagrees with the rules; the notes below say why.",
        "",
        "| endpoint | object | " + " | ".join(PERSONAS) + " |",
        "|---|---|" + "---|" * len(PERSONAS),
    ]
    notes: dict[str, str] = {}
    for (endpoint, subject), by_persona in rows.items():
        labels = [_label(by_persona[p]) if p in by_persona else "" for p in PERSONAS]
        lines.append(f"| `{endpoint}` | {subject} | " + " | ".join(labels) + " |")
        for cell in by_persona.values():
            if not cell["agrees"] and cell["why"]:
                notes.setdefault(cell["why"], endpoint)
    endpoints = {cell["endpoint"] for cell in cells}
    lines += [
        "",
        f"Endpoints in the table: {len(endpoints)} of {len(coverage.get('endpoints', []))} "
        f"(URL patterns and API operations); rows: {len(rows)}; personas: {len(PERSONAS)} "
        f"(with the visitor); cells checked: {len(cells)}; cells where the code disagrees with "
        f"the rules: {sum(not c['agrees'] for c in cells)}.",
    ]
    if notes:
        lines += ["", "## Disagreements", ""]
        lines += [f"- {why} (first seen on `{endpoint}`)" for why, endpoint in notes.items()]
    pending = coverage.get("pending", [])
    if pending:
        lines += ["", f"## Not in the table yet ({len(pending)})", ""]
        lines += [f"- `{endpoint}`" for endpoint in pending]
    return "\n".join(lines)


def summarise(cells: list[dict], coverage: dict, *, passed: bool) -> dict:
    return {
        "endpoints": len({cell["endpoint"] for cell in cells}),
        "endpoints_known": len(coverage.get("endpoints", [])),
        "endpoints_pending": len(coverage.get("pending", [])),
        "rows": len({(c["endpoint"], c["method"], c["subject"]) for c in cells}),
        "personas": len(PERSONAS),
        "cells_checked": len(cells),
        "disagreements": sum(not c["agrees"] for c in cells),
        "passed": passed,
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def merge_results(summary: dict) -> None:
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data.setdefault("security", {})["authz"] = summary
    RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(f"\nWrote security.authz to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
