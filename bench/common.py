"""What the stand-alone benchmark scripts share: Django on a throwaway database, and the merge of
their figures into bench/results.json under their own key (other keys stay as they are)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"


def start_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("PORTAL_TESTING", "1")
    import django

    django.setup()


@contextmanager
def throwaway_database() -> Iterator[None]:
    """A fresh, migrated test database (PostgreSQL when DATABASE_URL says so), dropped after."""
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


@contextmanager
def kept_database(name: str) -> Iterator[None]:
    """A database of that name on the server of DATABASE_URL, created and migrated if need be,
    kept afterwards: big data is built once and measured again after a change."""
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = name
    connection.creation.create_test_db(verbosity=0, autoclobber=False, serialize=False, keepdb=True)
    yield


def merge_results(key: str, result: dict) -> None:
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data[key] = result
    RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(f"Wrote {key} to {RESULTS.relative_to(ROOT)}")
