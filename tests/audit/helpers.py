"""Recording a few events, and tampering with them behind the ORM's back."""

from django.db import connection

from governance.audit.services import record


def record_events(count: int, *, actor=None, action: str = "thing.changed") -> list:
    return [
        record(
            actor=actor,
            action=action,
            object_type="tests.thing",
            object_id=str(n),
            object_repr=f"Thing {n}",
            before={"state": "draft"},
            after={"state": "submitted", "n": n},
        )
        for n in range(1, count + 1)
    ]


def tamper(*statements: tuple[str, list]) -> None:
    """Run raw SQL on the audit table as an intruder with database access would.

    On PostgreSQL the append-only trigger is bypassed the way a database superuser could, by
    replication mode for the statements (SET LOCAL: it ends with the test's transaction at the
    latest); SQLite has no trigger.
    """
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET LOCAL session_replication_role = replica")
        for sql, params in statements:
            cursor.execute(sql, params)
        if postgres:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
