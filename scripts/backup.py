"""Back up and restore the portal: a pg_dump of its PostgreSQL database and a tar.gz of its media.

    python scripts/backup.py backup [--dir BACKUP_DIR]
    python scripts/backup.py restore FOLDER [--force]

The database is the one DATABASE_URL names and the media folder is PORTAL_MEDIA_ROOT (default
var/media), as in portal/settings.py. A restore refuses a database that already has tables in its
public schema unless --force is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar.gz"
MANIFEST_NAME = "manifest.json"


class BackupError(Exception):
    """A problem the user can fix; its message says how."""


def database() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    config = dict(dj_database_url.parse(url))
    if config.get("ENGINE") != "django.db.backends.postgresql":
        if "sqlite" in str(config.get("ENGINE", "")):
            raise BackupError(
                f"DATABASE_URL is SQLite ({config.get('NAME')}): this script backs up PostgreSQL "
                "only. Stop the portal and copy the database file (and var/media) instead."
            )
        raise BackupError(f"DATABASE_URL is not a PostgreSQL database ({config.get('ENGINE')}).")
    return config


def media_root() -> Path:
    return Path(os.environ.get("PORTAL_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on PATH: install the PostgreSQL client tools "
            "(e.g. apt-get install postgresql-client), of the server's major version or newer."
        )
    return path


def connection_args(config: dict[str, object]) -> tuple[list[str], dict[str, str]]:
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if config.get(key):
            args += [flag, str(config[key])]
    env = dict(os.environ)
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    return args, env


def git_revision() -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return result.stdout.strip() or None


def backup(backup_dir: Path) -> Path:
    config = database()
    pg_dump = tool("pg_dump")
    now = dt.datetime.now(dt.UTC)
    folder = backup_dir / now.strftime("%Y-%m-%dT%H%M%SZ")
    folder.mkdir(parents=True, exist_ok=False)
    args, env = connection_args(config)
    dump = folder / DUMP_NAME
    subprocess.run(  # noqa: S603
        [pg_dump, "--format=custom", "--no-owner", *args, "--file", str(dump), str(config["NAME"])],
        env=env,
        check=True,
    )
    media = media_root()
    archive = folder / MEDIA_NAME
    with tarfile.open(archive, "w:gz") as tar:
        if media.is_dir():
            tar.add(media, arcname=".")
    manifest = {
        "created": now.isoformat(),
        "database": config["NAME"],
        "database_dump_bytes": dump.stat().st_size,
        "media_root": str(media),
        "media_archive_bytes": archive.stat().st_size,
        "portal_revision": git_revision(),
    }
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def public_table_count(config: dict[str, object]) -> int:
    psql = tool("psql")
    args, env = connection_args(config)
    sql = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
    result = subprocess.run(  # noqa: S603
        [
            psql,
            *args,
            "--no-psqlrc",
            "--tuples-only",
            "--no-align",
            "--command",
            sql,
            "--dbname",
            str(config["NAME"]),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.strip())


def restore(folder: Path, *, force: bool) -> None:
    config = database()
    pg_restore = tool("pg_restore")
    dump = folder / DUMP_NAME
    archive = folder / MEDIA_NAME
    if not dump.is_file() or not archive.is_file():
        raise BackupError(
            f"{folder} is not a backup folder: it needs {DUMP_NAME} and {MEDIA_NAME}."
        )
    tables = public_table_count(config)
    if tables and not force:
        raise BackupError(
            f"The database {config['NAME']} is not empty ({tables} tables in its public schema). "
            "Restore into an empty database, or pass --force (FORCE=1 with make) to replace it."
        )
    args, env = connection_args(config)
    command = [pg_restore, "--no-owner", "--exit-on-error", *args, "--dbname", str(config["NAME"])]
    if force:
        command += ["--clean", "--if-exists"]
    subprocess.run([*command, str(dump)], env=env, check=True)  # noqa: S603
    media = media_root()
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(media, filter="data")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="write a dated backup folder")
    make.add_argument("--dir", type=Path, default=Path(os.environ.get("BACKUP_DIR", "backups")))
    back = commands.add_parser("restore", help="restore a backup folder")
    back.add_argument("folder", type=Path)
    back.add_argument("--force", action="store_true", help="restore into a non-empty database")
    options = parser.parse_args(argv)
    try:
        if options.command == "backup":
            print(f"Backup written to {backup(options.dir)}")
        else:
            restore(options.folder, force=options.force)
            print(f"Restored {options.folder}")
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"error: {error.cmd[0]} failed with exit status {error.returncode}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
