"""Appends from parallel transactions queue up on the chain head instead of forking the chain."""

import itertools
import threading

import pytest
from django.db import connection, connections, transaction

from governance.audit.models import AuditEvent
from governance.audit.selectors import verify_chain
from governance.audit.services import record

THREADS = 4
EVENTS_PER_THREAD = 25


@pytest.mark.postgres
def test_parallel_appends_keep_one_unbroken_chain(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so nothing could fork")
    record(actor=None, action="test.started", object_type="tests.run", object_id=1)
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            start.wait(timeout=10)
            for n in range(EVENTS_PER_THREAD):
                with transaction.atomic():
                    record(
                        actor=None,
                        action="test.appended",
                        object_type="tests.worker",
                        object_id=worker,
                        after={"n": n},
                    )
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(worker,)) for worker in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    total = 1 + THREADS * EVENTS_PER_THREAD
    assert AuditEvent.objects.count() == total
    # The appends really interleaved, so the lock was exercised.
    workers_in_order = list(
        AuditEvent.objects.filter(action="test.appended")
        .order_by("sequence")
        .values_list("object_id", flat=True)
    )
    switches = sum(1 for a, b in itertools.pairwise(workers_in_order) if a != b)
    assert switches >= THREADS - 1
    report = verify_chain()
    assert report.intact, report.problem
    assert report.last_sequence == total
