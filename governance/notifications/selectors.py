"""Reading the outbox."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.functional import Promise

from governance.notifications.models import OutboundEmail

StrOrPromise = str | Promise


def outbox() -> QuerySet[OutboundEmail]:
    return OutboundEmail.objects.order_by("-created_at", "-id")


def counts_by_state() -> list[tuple[str, StrOrPromise, int]]:
    """(state, label, count) for every state, zeros included, in one query."""
    rows = OutboundEmail.objects.order_by().values("state").annotate(n=Count("id"))
    counts = {row["state"]: row["n"] for row in rows}
    return [(state, label, counts.get(state, 0)) for state, label in OutboundEmail.State.choices]
