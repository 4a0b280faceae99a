"""Writing the audit trail. Call `record` inside the transaction that makes the change."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from governance.audit.models import AuditChainHead, AuditEvent
from governance.core.middleware import current_request_id

GENESIS_HASH = "0" * 64


def event_hash(*, prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 of the previous hash and the event's canonical JSON."""
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{prev_hash}|{canonical}".encode()).hexdigest()


def hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "sequence": event.sequence,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "request_id": event.request_id,
    }


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction.

    `actor` is the person who acted, or None for the system. `obj` names the changed object;
    without it give `object_type` and `object_id`. `before`/`after` are short summaries of the
    fields that changed, not copies of personal data.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            sequence=head.sequence + 1,
            at=timezone.now(),
            actor=actor if actor is not None and actor.is_authenticated else None,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=object_repr[:200],
            before=_jsonable(before or {}),
            after=_jsonable(after or {}),
            request_id=current_request_id(),
            prev_hash=head.hash,
        )
        event.hash = event_hash(prev_hash=head.hash, fields=hashed_fields(event))
        event.save()
        head.sequence = event.sequence
        head.hash = event.hash
        head.save(update_fields=["sequence", "hash"])
    return event


def _jsonable(summary: dict[str, Any]) -> dict[str, Any]:
    # Round-trip so the stored JSON hashes the same as it will read back (dates become strings).
    return json.loads(json.dumps(summary, default=str))
