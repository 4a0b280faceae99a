"""`scripts/prod.py` refuses to start without its production variables."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "prod.py"
FULL = {
    "PORTAL_SECRET_KEY": "x" * 60,
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/h_prod",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/7",
}


@pytest.mark.parametrize(
    ("drop", "override", "variable"),
    [
        ("PORTAL_SECRET_KEY", {}, "PORTAL_SECRET_KEY"),
        ("DATABASE_URL", {}, "DATABASE_URL"),
        (None, {"DATABASE_URL": "sqlite:///x.db"}, "DATABASE_URL"),
        ("CELERY_BROKER_URL", {}, "CELERY_BROKER_URL"),
    ],
)
def test_refuses_without_a_production_variable(drop, override, variable):
    env = {k: v for k, v in os.environ.items() if k not in FULL and k != "PORTAL_SECRET_KEY_FILE"}
    env.update({k: v for k, v in FULL.items() if k != drop}, **override)
    result = subprocess.run(
        [sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=20
    )
    assert result.returncode == 2
    assert f"set {variable}" in result.stderr
    assert result.stderr.count(".") >= 1 and len(result.stderr.strip().splitlines()) == 1
