"""What a production deployment relies on: the portal refuses an insecure configuration, passes
Django's deployment checks, and sends the security headers (each subprocess costs about a second,
so there are only three)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    # Only what the interpreter needs from outside: the test run's own PORTAL_* and
    # DJANGO_SETTINGS_MODULE (portal.test_settings) must not leak in.
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    env |= {"DJANGO_SETTINGS_MODULE": "portal.settings", "PYTHONDONTWRITEBYTECODE": "1"}
    env |= environment
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_check_refuses_to_start_without_secret_key_when_debug_is_off():
    done = manage("check", PORTAL_DEBUG="0")
    assert done.returncode != 0
    assert "PORTAL_SECRET_KEY is not set" in done.stderr
    assert "set PORTAL_DEBUG=1 instead" in done.stderr


def test_check_deploy_is_clean_for_a_production_configuration():
    done = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        PORTAL_DEBUG="0",
        PORTAL_SECRET_KEY=secrets.token_urlsafe(50),
        PORTAL_ALLOWED_HOSTS="portal.example.eu",
        PORTAL_BASE_URL="https://portal.example.eu",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout
    assert "WARNING" not in done.stdout + done.stderr


def test_check_deploy_fails_on_a_weak_secret_key():
    # The clean run above means something only if the same command fails on a real weakness.
    done = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        PORTAL_DEBUG="0",
        PORTAL_SECRET_KEY="short",
        PORTAL_ALLOWED_HOSTS="portal.example.eu",
        PORTAL_BASE_URL="https://portal.example.eu",
    )
    assert done.returncode == 1
    assert "(security.W009) Your SECRET_KEY has less than 50 characters" in done.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/es/"])
def test_pages_send_a_strict_content_security_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_pages_send_security_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_https_redirect_spares_the_load_balancer_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
