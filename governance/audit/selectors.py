"""Reading the audit trail, and checking that nobody has tampered with it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from governance.audit.hashing import GENESIS_HASH, event_hash, hashed_fields
from governance.audit.models import AuditChainHead, AuditEvent

VERIFY_CHUNK_SIZE = 2000


def events() -> QuerySet[AuditEvent]:
    """Every event, newest first, with the actor (one query, no N+1)."""
    return AuditEvent.objects.select_related("actor").order_by("-sequence")


@dataclass(frozen=True)
class ChainReport:
    """What a walk along the chain found. `problem` names the first bad event, if any."""

    events: int
    last_sequence: int
    last_hash: str
    problem: str = ""
    bad_sequence: int | None = None

    @property
    def intact(self) -> bool:
        return not self.problem

    def summary(self) -> str:
        if self.problem:
            return self.problem
        return _("Audit trail intact: %(count)d events, last #%(sequence)d %(hash)s") % {
            "count": self.events,
            "sequence": self.last_sequence,
            "hash": self.last_hash,
        }


def verify_chain(*, chunk_size: int = VERIFY_CHUNK_SIZE) -> ChainReport:
    """Walk the chain in sequence order and recompute every hash.

    Streams the events (a server-side cursor on PostgreSQL), so memory stays flat however long
    the trail is. Checks, for each event: no sequence number is skipped (a deleted event), its
    previous hash is the hash of the event before it (reordered events, or an event altered and
    re-hashed), and its hash matches its content (an altered event). Finally the chain head must
    point at the last event (the newest event deleted). Events appended while the walk runs lie
    beyond the head read at the start and are left for the next check.
    """
    head = AuditChainHead.objects.filter(id=1).first()
    head_sequence = head.sequence if head else 0
    head_hash = head.hash if head else GENESIS_HASH

    count = 0
    expected = 1
    prev_hash = GENESIS_HASH
    walk = (
        AuditEvent.objects.filter(sequence__lte=head_sequence)
        .order_by("sequence")
        .iterator(chunk_size=chunk_size)
    )
    for event in walk:
        if event.sequence != expected:
            return _broken(count, expected - 1, prev_hash, expected, _missing(expected))
        if event.prev_hash != prev_hash:
            problem = _(
                "Events out of order at #%(sequence)d: it does not follow event #%(previous)d "
                "(events were reordered, or #%(previous)d was altered and re-hashed)"
            ) % {"sequence": event.sequence, "previous": event.sequence - 1}
            return _broken(count, expected - 1, prev_hash, event.sequence, problem)
        if event_hash(prev_hash=event.prev_hash, fields=hashed_fields(event)) != event.hash:
            problem = _("Event #%(sequence)d was altered: its hash does not match its content") % {
                "sequence": event.sequence
            }
            return _broken(count, expected - 1, prev_hash, event.sequence, problem)
        count += 1
        expected += 1
        prev_hash = event.hash

    last_sequence = expected - 1
    if head is None and AuditEvent.objects.exists():
        problem = _("The chain head is missing: the trail has events but no record of its last one")
        return _broken(count, last_sequence, prev_hash, None, problem)
    if head_sequence != last_sequence:
        # The walk stopped early: every event after `last_sequence` up to the head is gone.
        return _broken(count, last_sequence, prev_hash, expected, _missing(expected))
    if head_hash != prev_hash:
        problem = _(
            "Event #%(sequence)d was altered or replaced: the chain head records a different "
            "hash for it"
        ) % {"sequence": last_sequence}
        return _broken(count, last_sequence, prev_hash, last_sequence, problem)
    return ChainReport(events=count, last_sequence=last_sequence, last_hash=prev_hash)


def _missing(sequence: int) -> str:
    return _("Event #%(sequence)d is missing (deleted?)") % {"sequence": sequence}


def _broken(
    count: int, last_sequence: int, last_hash: str, bad: int | None, problem: str
) -> ChainReport:
    return ChainReport(
        events=count,
        last_sequence=last_sequence,
        last_hash=last_hash,
        problem=problem,
        bad_sequence=bad,
    )
