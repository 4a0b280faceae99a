"""Concurrent votes on PostgreSQL: two threads cast the same member's vote; it counts once.

Skipped on SQLite (its writes are serialised anyway); in CI it runs on PostgreSQL.
"""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection, connections

from governance.access import services
from governance.access.models import Vote
from governance.core.errors import PortalError
from tests.access.conftest import submitted

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL: set DATABASE_URL=postgres://...",
)


def test_concurrent_votes_counted_once(migrated_db, researcher, dataset, chair, member):
    # migrated_db: committed rows (other threads must see them), vocabularies restored.
    assert connection.vendor == "postgresql"
    request = submitted(researcher, dataset)
    item = request.items.get()
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def vote():
        try:
            barrier.wait()
            services.vote_cast(actor=member, item=item, choice="approve")
            outcomes.append("counted")
        except PortalError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("counted") == 1
    assert set(outcomes) - {"counted"} <= {"already_voted", "concurrent_change"}
    assert Vote.objects.filter(item=item, voter=member).count() == 1
