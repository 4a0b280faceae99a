"""`scripts/backup.py`: a backup of a seeded PostgreSQL database restores into an empty one."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SOURCE, TARGET = "h_backup_src", "h_backup_dst"


def server_url(name: str) -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host, port = settings.get("HOST") or "127.0.0.1", settings.get("PORT") or 5432
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{name}"


def run(args: list[str], database: str, media: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": server_url(database),
        "PORTAL_MEDIA_ROOT": str(media),
        "PORTAL_DEBUG": "1",
        "PORTAL_TESTING": "0",
    }
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def row_counts(database: str) -> dict[str, int]:
    with psycopg.connect(server_url(database)) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        counts = {}
        for table in tables:
            row = db.execute(f'SELECT count(*) FROM "{table}"').fetchone()
            assert row is not None
            counts[table] = row[0]
        return counts


@pytest.fixture
def scratch_databases():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: pg_dump and pg_restore back up PostgreSQL only")
    with psycopg.connect(server_url("postgres"), autocommit=True) as admin:
        for name in (SOURCE, TARGET):
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
        yield
        for name in (SOURCE, TARGET):
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.postgres
def test_backup_restores_into_an_empty_database(scratch_databases, tmp_path):
    media = tmp_path / "media"
    (media / "agreements").mkdir(parents=True)
    (media / "agreements" / "signed.pdf").write_bytes(b"%PDF-1.7 signed")
    for command in (["manage.py", "migrate", "--no-input"], ["manage.py", "seed_demo"]):
        result = run(command, SOURCE, media)
        assert result.returncode == 0, result.stderr

    result = run(["scripts/backup.py", "backup", "--dir", str(tmp_path / "backups")], SOURCE, media)
    assert result.returncode == 0, result.stderr
    (folder,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["database"] == SOURCE
    assert manifest["database_dump_bytes"] == (folder / "database.dump").stat().st_size > 0

    restored = tmp_path / "restored"
    result = run(["scripts/backup.py", "restore", str(folder)], TARGET, restored)
    assert result.returncode == 0, result.stderr
    assert (restored / "agreements" / "signed.pdf").read_bytes() == b"%PDF-1.7 signed"
    result = run(["manage.py", "verify_audit"], TARGET, restored)
    assert result.returncode == 0, result.stdout + result.stderr
    counts = row_counts(TARGET)
    assert counts == row_counts(SOURCE)
    assert sum(counts.values()) > 100

    # The target now has tables: a second restore is refused without --force.
    result = run(["scripts/backup.py", "restore", str(folder)], TARGET, restored)
    assert result.returncode == 2
    assert "not empty" in result.stderr
