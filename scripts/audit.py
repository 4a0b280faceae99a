"""`make audit`: pip-audit over requirements.lock, saying plainly when nothing could be audited.

Exit status: 1 when a locked package has a known vulnerability, 2 when pip-audit itself failed
(e.g. the lock does not parse), 0 otherwise, including when the advisory service could not be
reached: then nothing was audited, and the last line says so.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"

# What pip-audit's (requests') failures to connect look like on standard error.
NETWORK_ERRORS = (
    "ConnectionError",
    "ConnectTimeout",
    "ReadTimeout",
    "NameResolutionError",
    "Name or service not known",
    "Temporary failure in name resolution",
    "Max retries exceeded",
    "Network is unreachable",
    "Connection refused",
)


def pip_audit(extra: list[str]) -> subprocess.CompletedProcess:
    # The lock pins and hashes every package, so pip-audit reads it as it is, without pip.
    command = [sys.executable, "-m", "pip_audit", "--requirement", str(LOCK), "--disable-pip"]
    command += ["--require-hashes", "--format", "json", "--progress-spinner", "off", *extra]
    # The interpreter and arguments are ours; AUDIT_ARGS is what the person running make typed.
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603


def unreachable(why: str) -> tuple[int, str]:
    return 0, (
        f"NOT AUDITED: the advisory service could not be reached ({why}). Nothing was checked; "
        "run `make audit` again where pypi.org (or, with AUDIT_ARGS='-s osv', api.osv.dev) "
        "answers."
    )


def verdict(returncode: int, stdout: str, stderr: str) -> tuple[int, str]:
    """The exit status and the report of one pip-audit run."""
    try:
        report = json.loads(stdout)
    except ValueError:
        if any(sign in stderr for sign in NETWORK_ERRORS):
            return unreachable("no connection")
        return 2, f"pip-audit failed (exit {returncode}):\n{stderr.strip()}"
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    skipped = [d for d in dependencies if "skip_reason" in d]
    if dependencies and not audited:
        return unreachable(f"it knew none of the {len(dependencies)} locked packages")
    lines = []
    vulnerable = [d for d in audited if d.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            aliases = ", ".join(vuln.get("aliases") or [])
            lines.append(
                f"{dependency['name']} {dependency['version']}: {vuln['id']}"
                + (f" ({aliases})" if aliases else "")
                + f"; fixed in: {fixed}"
            )
    for dependency in skipped:
        lines.append(f"not audited: {dependency['name']} ({dependency['skip_reason']})")
    count = sum(len(d["vulns"]) for d in vulnerable)
    if count:
        lines.append(
            f"{count} known vulnerabilit{'y' if count == 1 else 'ies'} in "
            f"{len(vulnerable)} of {len(audited)} audited packages: see the README's Security "
            "section for what to do."
        )
        return 1, "\n".join(lines)
    lines.append(f"No known vulnerability in the {len(audited)} audited packages.")
    return 0, "\n".join(lines)


def main(argv: list[str]) -> int:
    try:
        done = pip_audit(argv)
    except subprocess.TimeoutExpired:
        status, text = unreachable("no answer within 10 minutes")
    else:
        status, text = verdict(done.returncode, done.stdout, done.stderr)
    print(text)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
