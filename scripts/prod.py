#!/usr/bin/env python3
"""Run the portal in production: migrate, collectstatic, then gunicorn, a Celery worker and beat.

Configuration comes from the environment: PORTAL_SECRET_KEY, DATABASE_URL (PostgreSQL),
CELERY_BROKER_URL, HOST and PORT (default 127.0.0.1:8000), WEB_WORKERS (default 3).
SIGINT/SIGTERM stops all three children; if one dies the others are stopped and the exit status
names it (3 gunicorn, 4 worker, 5 beat).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STOP_SECONDS = 20
EXIT_CODES = {"gunicorn": 3, "worker": 4, "beat": 5}


def refuse(message: str) -> None:
    print(f"prod: {message}", file=sys.stderr)
    sys.exit(2)


def check_environment(env: dict[str, str]) -> None:
    if not env.get("PORTAL_SECRET_KEY") and not env.get("PORTAL_SECRET_KEY_FILE"):
        refuse("set PORTAL_SECRET_KEY to a long random secret key.")
    if not env.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        refuse("set DATABASE_URL to a PostgreSQL URL (postgres://user@host:5432/name).")
    if not env.get("CELERY_BROKER_URL"):
        refuse("set CELERY_BROKER_URL to the Redis broker URL (redis://host:6379/0).")


def main() -> int:
    env = dict(os.environ, PORTAL_DEBUG="0")
    check_environment(env)
    bind = f"{env.get('HOST', '127.0.0.1')}:{env.get('PORT', '8000')}"
    workers = env.get("WEB_WORKERS", "3")
    manage = [sys.executable, str(ROOT / "manage.py")]
    for step in (["migrate", "--no-input"], ["collectstatic", "--noinput"]):
        if subprocess.run([*manage, *step], cwd=ROOT, env=env).returncode != 0:  # noqa: S603
            print(f"prod: manage.py {step[0]} failed.", file=sys.stderr)
            return 1
    schedule = ROOT / "var" / "celerybeat-schedule"
    schedule.parent.mkdir(parents=True, exist_ok=True)
    commands = {
        "gunicorn": [str(BIN / "gunicorn"), "portal.wsgi", "--bind", bind, "--workers", workers],
        "worker": [str(BIN / "celery"), "-A", "portal", "worker", "--loglevel=INFO"],
        # beat keeps its schedule under var/ (ignored by git), not in the checkout's root
        "beat": [
            *(str(BIN / "celery"), "-A", "portal", "beat", "--loglevel=INFO"),
            f"--schedule={schedule}",
        ],
    }
    children = {
        name: subprocess.Popen(cmd, cwd=ROOT, env=env)  # noqa: S603
        for name, cmd in commands.items()
    }
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    died = None
    while not stopping and died is None:
        for name, child in children.items():
            if child.poll() is not None:
                died = name
                break
        time.sleep(0.2)
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for child in children.values():
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    if died is not None:
        code = children[died].returncode
        print(f"prod: {died} exited ({code}); stopped the others.", file=sys.stderr)
        return EXIT_CODES[died]
    return 0


if __name__ == "__main__":
    sys.exit(main())
