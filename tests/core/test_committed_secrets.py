"""No private key, token or environment file is committed: every file git tracks is read."""

import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Written so that this file does not match itself.
PRIVATE_KEY = re.compile(rb"-{5}BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-{5}")
TOKENS = {
    "GitHub token": re.compile(rb"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{40,})"),
    "GitLab token": re.compile(rb"\bglpat-[A-Za-z0-9_-]{20}"),
    "AWS access key": re.compile(rb"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "Slack token": re.compile(rb"\bxox[abposr]-[0-9A-Za-z-]{10,}"),
    "Google API key": re.compile(rb"\bAIza[0-9A-Za-z_-]{35}"),
    "Stripe secret key": re.compile(rb"\b[sr]k_live_[0-9A-Za-z]{16,}"),
    "PyPI token": re.compile(rb"\bpypi-AgE[A-Za-z0-9_-]{50,}"),
    # The portal's own personal API tokens (governance/accounts/services.py).
    "portal API token": re.compile(rb"\bgpt_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])"),
    # A signed JWT (an unsigned alg "none" one, as the token tests forge, has no third part).
    "signed JWT": re.compile(rb"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}"),
}
SECRET_FILE_NAMES = re.compile(
    r"^(?:\.env(?:\..+)?|.*\.env|.*\.(?:pem|key|p12|pfx|jks|keystore)|id_(?:rsa|dsa|ecdsa|ed25519)"
    r"|\.netrc|\.pypirc|\.npmrc|credentials\.json)$"
)
# Tracked files that look like secrets and are not, each with its reason.
ALLOWED_FILES = {
    # The documented template of a deployment's environment: names and comments, no values
    # for secrets (test_env_example_holds_no_secret_values checks that).
    ".env.example": "template",
}


def tracked_files() -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing tells which files are committed")
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
    )
    return [name for name in listing.stdout.decode().split("\0") if name]


def problems_in(name: str, content: bytes) -> list[str]:
    """What makes one committed file a leak, in words."""
    found = []
    if name not in ALLOWED_FILES and SECRET_FILE_NAMES.match(PurePosixPath(name).name):
        found.append(f"{name}: a file of secrets, by its name")
    if PRIVATE_KEY.search(content):
        found.append(f"{name}: PEM private key")
    for kind, pattern in TOKENS.items():
        if pattern.search(content):
            found.append(f"{name}: {kind}")
    return found


def test_no_private_key_token_or_env_file_is_committed():
    names = tracked_files()
    assert len(names) > 100  # the listing is the repository's, not an empty one
    found = []
    for name in names:
        path = ROOT / name
        if path.is_file():
            found += problems_in(name, path.read_bytes())
    assert found == []


def test_env_example_holds_no_secret_values():
    assigned = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            assigned[name] = value
    assert "PORTAL_SECRET_KEY" in assigned  # the template is read as it is
    secrets = {
        name: value
        for name, value in assigned.items()
        if re.search(r"SECRET|PASSWORD|_KEY\b|TOKEN", name) and value
    }
    assert secrets == {}
    # Passwords inside URLs are placeholders.
    in_urls = {v for v in assigned.values() for v in re.findall(r"://[^:/@]+:([^@]+)@", v)}
    assert in_urls == {"change-me"}


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "notes.txt",
            b"-----BEGIN " + b"EC PRIVATE KEY-----\nMHc...",
            ["notes.txt: PEM private key"],
        ),
        ("a.py", b"k = '-----BEGIN " + b"PRIVATE KEY-----'", ["a.py: PEM private key"]),
        ("id", b"-----BEGIN OPENSSH " + b"PRIVATE KEY-----", ["id: PEM private key"]),
        ("b.md", b"token: ghp_" + b"a1B2" * 9, ["b.md: GitHub token"]),
        ("c.py", b"KEY = 'AKIA" + b"ABCDEFGHIJKLMNOP'", ["c.py: AWS access key"]),
        ("d.txt", b"Bearer gpt_" + b"x" * 43 + b"\n", ["d.txt: portal API token"]),
        ("e.txt", b"eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0." + b"s" * 40, ["e.txt: signed JWT"]),
        (".env", b"PORTAL_DEBUG=1\n", [".env: a file of secrets, by its name"]),
        ("deploy/.env.production", b"", ["deploy/.env.production: a file of secrets, by its name"]),
        (
            "certs/dua-signing-key.pem",
            b"",
            ["certs/dua-signing-key.pem: a file of secrets, by its name"],
        ),
        # Not leaks: public keys, the token prefix alone, an unsigned forged JWT, the template.
        ("pub.pem.txt", b"-----BEGIN PUBLIC KEY-----", []),
        ("services.py", b'API_TOKEN_PREFIX = "gpt_"', []),
        ("t.py", b"forged = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'", []),
        (".env.example", b"PORTAL_SECRET_KEY=\n", []),
    ],
)
def test_leak_detector_recognises_keys_tokens_and_env_files(name, content, expected):
    assert problems_in(name, content) == expected
