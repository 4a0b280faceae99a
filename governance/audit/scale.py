"""The scale data's audit events, chained at the end of the batch (see core.scale)."""

from __future__ import annotations

from django.utils import timezone

from governance.audit.hashing import event_hash, hashed_fields
from governance.audit.models import AuditChainHead, AuditEvent
from governance.core.scale import Batch


def finish(batch: Batch) -> None:
    """Append the batch's events to the chain, hashed as `services.record` hashes them, under
    the lock on the chain's head that orders every append, in one bulk insert."""
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    sequence, previous = head.sequence, head.hash
    events = []
    for entry in batch.audit:
        sequence += 1
        event = AuditEvent(
            sequence=sequence, at=timezone.now(), before={}, prev_hash=previous, **entry
        )
        event.hash = event_hash(prev_hash=previous, fields=hashed_fields(event))
        previous = event.hash
        events.append(event)
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    head.sequence, head.hash = sequence, previous
    head.save(update_fields=["sequence", "hash"])
    batch.counts["audit_events"] = len(events)
