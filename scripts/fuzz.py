"""Fuzz the REST API from outside: schemathesis against a live server with the demo data.

`make fuzz` runs this. It migrates a throwaway SQLite database in a temporary directory, loads
the demo data, gives each persona a personal API token, serves the portal with runserver on a free
loopback port, and runs schemathesis over every operation of /api/v1/schema/ once per persona
(and once as a visitor) with a bounded number of examples. Checks: no 5xx, responses, status
codes and content types as the schema says. The totals go to bench/results.json under
`security.fuzz` (the other keys stay as they are). Exit status 1 when any check failed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
PYTHON = sys.executable
ST = Path(PYTHON).parent / "st"

# Demo personas (governance/accounts/demo.py): the data holder, an applicant, a
# researcher and staff, so that owned, foreign and staff-only objects are all reached.
PERSONAS = [
    "holder@demo.example",
    "applicant@demo.example",
    "researcher@demo.example",
    "admin@demo.example",
]
CHECKS = [
    "not_a_server_error",
    "response_schema_conformance",
    "status_code_conformance",
    "content_type_conformance",
]
# Revoking its own token would turn the rest of a persona's run into 401s.
EXCLUDED_OPERATIONS = ["api_tokens_revoke_create"]

TOKENS_SCRIPT = """
import json
from governance.accounts.models import User
from governance.accounts.services import api_token_create

tokens = {}
for email in %r:
    _, secret = api_token_create(person=User.objects.get(email=email), name="fuzz", days=1)
    tokens[email] = secret
print(json.dumps(tokens))
"""


class FuzzError(Exception):
    """Something the person running the fuzzer must fix; the message says what."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--max-examples", type=int, default=5, help="examples per operation and phase (5)"
    )
    parser.add_argument("--seed", type=int, default=2026, help="hypothesis seed (2026)")
    parser.add_argument("--no-results", action="store_true", help="do not write bench/results.json")
    args = parser.parse_args()
    # Stopped from outside, the server and the temporary directory still go away.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        summary = run(max_examples=args.max_examples, seed=args.seed)
    except FuzzError as exc:
        print(f"fuzz: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(summary, indent=2))
    if not args.no_results:
        merge_results(summary)
    return 1 if summary["failures"] else 0


def run(*, max_examples: int, seed: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="portal-fuzz-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/fuzz.sqlite3",
            "PORTAL_DEBUG": "1",  # seed_demo refuses to run otherwise; the database is thrown away
            "PORTAL_TESTING": "0",
            "PORTAL_MEDIA_ROOT": f"{tmp}/media",
        }
        manage(env, "migrate", "--no-input", quiet=True)
        manage(env, "seed_demo", quiet=True)
        # The last line: the shell may print notes (e.g. auto-imports) before it.
        output = manage(env, "shell", "-c", TOKENS_SCRIPT % (PERSONAS,))
        tokens = json.loads(output.strip().splitlines()[-1])
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603 # our own interpreter and manage.py
            [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(f"{tmp}/server.log", "w"),  # noqa: SIM115 # closed with the process
        )
        try:
            wait_for(f"{base}/healthz")
            runs = [fuzz_as("visitor", None, base, tmp, max_examples, seed)]
            runs += [
                fuzz_as(email, token, base, tmp, max_examples, seed)
                for email, token in tokens.items()
            ]
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {
        "operations_covered": max(r["operations"] for r in runs),
        "cases_generated": sum(r["cases"] for r in runs),
        "failures": sum(r["failures"] for r in runs),
        "personas": {r["persona"]: {k: v for k, v in r.items() if k != "persona"} for r in runs},
        "checks": CHECKS,
        "max_examples": max_examples,
        "seed": seed,
        "tool": f"schemathesis {schemathesis_version()}",
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def fuzz_as(
    persona: str, token: str | None, base: str, tmp: str, max_examples: int, seed: int
) -> dict:
    print(f"fuzz: as {persona}", flush=True)
    report = Path(tmp) / f"report-{persona}.json"
    command = [
        str(ST),
        "run",
        f"{base}/api/v1/schema/",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(max_examples),
        "--seed",
        str(seed),
        "--phases",
        # The coverage phase tries every boundary of every field: thousands of cases per body,
        # minutes per persona. Examples and fuzzing keep the run to a few minutes.
        "examples,fuzzing",
        "--continue-on-failure",
        "--no-shrink",
        "--generation-deterministic",
        "--request-timeout",
        "30",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        "--no-color",
    ]
    for operation_id in EXCLUDED_OPERATIONS:
        command += ["--exclude-operation-id", operation_id]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    # In the temporary directory: schemathesis keeps state in ./.schemathesis/.
    completed = subprocess.run(command, cwd=tmp, capture_output=True, text=True)  # noqa: S603
    if not report.exists():
        raise FuzzError(f"schemathesis wrote no report:\n{completed.stdout}\n{completed.stderr}")
    if completed.returncode:
        print(completed.stdout[-20000:])
    return {"persona": persona, **summarise(json.loads(report.read_text()))}


def summarise(report: dict) -> dict:
    """The figures of one schemathesis JSON run report (`--report json`)."""
    return {
        "operations": report["operations"]["tested"],
        "cases": report["test_cases"]["generated"],
        "failures": report["test_cases"]["unique_failures"],
        "errors": sum(error["count"] for error in report["errors"]),
        "failing": sorted(
            {
                f"{group['title']}: {operation}"
                for group in report["failures"]
                for operation in group["operations"]
            }
        ),
    }


def manage(env: dict, *args: str, quiet: bool = False) -> str:
    completed = subprocess.run(  # noqa: S603 # our own interpreter and manage.py
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if completed.returncode:
        raise FuzzError(f"manage.py {' '.join(args[:1])} failed:\n{completed.stderr}")
    return "" if quiet else completed.stdout


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 # our loopback server
                return
        except OSError:
            time.sleep(0.5)
    raise FuzzError(f"the server did not answer {url} within {timeout:.0f} s")


def schemathesis_version() -> str:
    import schemathesis

    return schemathesis.__version__


def merge_results(summary: dict) -> None:
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data.setdefault("security", {})["fuzz"] = summary
    RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(f"Wrote security.fuzz to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
